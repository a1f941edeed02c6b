// The option table's building blocks (config.cpp): one Option per configuration key, and the
// makers for the common kinds of value.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.h"

namespace mini_redis::config_option {

using Json = nlohmann::json;
using Error = std::optional<std::string>;

// One configuration key. `fromJson` and `fromString` return what was expected on failure.
struct Option {
    const char* name;
    bool live;
    const char* alias = nullptr;  // Redis's older name, accepted and listed too (CONFIG GET *)
    bool secret = false;  // the value never appears in a message (see Config::isSecret)
    std::function<Error(Config&, const Json&)> fromJson;
    std::function<Error(Config&, std::string_view)> fromString;
    std::function<std::string(const Config&)> toString;
    std::function<Json(const Config&)> toJson;
};

// What an integer key expects, for its error.
std::string rangeText(int64_t min, int64_t max);
// An integer key in [min, max].
Option intOption(const char* name, int64_t Config::*member, int64_t min, int64_t max, bool live);
// A yes/no key: JSON true/false (or the words); CONFIG GET/SET speak "yes"/"no".
Option boolOption(const char* name, bool Config::*member, bool live);
// A string key; `check` says what was expected when it rejects a value (nullptr: any).
Option stringOption(const char* name, std::string Config::*member, bool live,
                    const char* (*check)(std::string_view) = nullptr);
// A file name inside a directory (appendfilename, appenddirname): no path, as Redis requires.
const char* plainFileName(std::string_view s);
// Redis's "save" string: "seconds changes [seconds changes ...]", "" = off.
Error parseSavePoints(std::string_view s, std::vector<std::pair<int64_t, int64_t>>& out);
std::string formatSavePoints(const std::vector<std::pair<int64_t, int64_t>>& points);

}  // namespace mini_redis::config_option
