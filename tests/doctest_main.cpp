// doctest's runner (main() and the framework itself), compiled once and linked into every
// unit test binary, so each tests/<unit>_test.cpp compiles only its own cases.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
