// A command written as a RESP multibulk, as a client sends it and as an AOF records it: for
// the unit tests of the framer and of the AOF reader and loader.
#pragma once

#include <string>
#include <vector>

namespace mini_redis::test {

// (Built with append: GCC 12 warns falsely, -Wrestrict, on the "literal" + std::string form
// once this is inlined.)
inline std::string respCommand(const std::vector<std::string>& args) {
    std::string out(1, '*');
    out += std::to_string(args.size());
    out += "\r\n";
    for (const auto& arg : args) {
        out += '$';
        out += std::to_string(arg.size());
        out += "\r\n";
        out += arg;
        out += "\r\n";
    }
    return out;
}

}  // namespace mini_redis::test
