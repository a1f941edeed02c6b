// Redis-style glob matching (* ? [abc] [^a-z] \x), for KEYS and CONFIG GET patterns.
#pragma once

#include <string_view>

namespace mini_redis {

// Any thread. Binary-safe; `nocase` folds ASCII letters.
bool globMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace mini_redis
