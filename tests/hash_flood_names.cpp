// Prints N key names chosen against the old unkeyed hash (hash_flood_names.h), one a line, for
// hash_flood_test.py. Usage: hash_flood_names N
#include "hash_flood_names.h"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    if (argc != 2 || std::atol(argv[1]) <= 0) {
        std::fprintf(stderr, "usage: %s COUNT\n", argv[0]);
        return 2;
    }
    for (const std::string& name : flood::oldHashFloodNames(std::strtoul(argv[1], nullptr, 10)))
        std::printf("%s\n", name.c_str());
    return 0;
}
