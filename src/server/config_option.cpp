// The option table's building blocks: the makers for integer, yes/no, string and save-point
// keys.
#include "config_option.h"

#include <charconv>

#include "command_args.h"

namespace mini_redis::config_option {

std::string rangeText(int64_t min, int64_t max) {
    return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

Option intOption(const char* name, int64_t Config::*member, int64_t min, int64_t max, bool live) {
    Option opt;
    opt.name = name;
    opt.live = live;
    opt.fromJson = [=](Config& c, const Json& v) -> Error {
        // An unsigned JSON number past INT64_MAX would wrap in get<int64_t>(): reject it first.
        if (!v.is_number_integer() ||
            (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) ||
            v.get<int64_t>() < min || v.get<int64_t>() > max) {
            return rangeText(min, max);
        }
        c.*member = v.get<int64_t>();
        return std::nullopt;
    };
    opt.fromString = [=](Config& c, std::string_view s) -> Error {
        int64_t value = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec != std::errc() || end != s.data() + s.size() || value < min || value > max) {
            return rangeText(min, max);
        }
        c.*member = value;
        return std::nullopt;
    };
    opt.toString = [=](const Config& c) { return std::to_string(c.*member); };
    opt.toJson = [=](const Config& c) { return Json(c.*member); };
    return opt;
}

// A yes/no key: JSON true/false; CONFIG GET/SET and the command line speak "yes"/"no".
Option boolOption(const char* name, bool Config::*member, bool live) {
    Option opt;
    opt.name = name;
    opt.live = live;
    opt.fromString = [=](Config& c, std::string_view s) -> Error {
        std::string v(s);
        for (char& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (v == "yes") {
            c.*member = true;
        } else if (v == "no") {
            c.*member = false;
        } else {
            return "\"yes\" or \"no\" (a boolean in JSON)";
        }
        return std::nullopt;
    };
    opt.fromJson = [=, f = opt.fromString](Config& c, const Json& v) -> Error {
        if (v.is_boolean()) {
            c.*member = v.get<bool>();
            return std::nullopt;
        }
        if (v.is_string()) return f(c, v.get<std::string>());
        return "a boolean (or \"yes\" / \"no\")";
    };
    opt.toString = [=](const Config& c) { return std::string(c.*member ? "yes" : "no"); };
    opt.toJson = [=](const Config& c) { return Json(c.*member); };
    return opt;
}

// A string key; `check` says what was expected when it rejects a value (nullptr: any).
Option stringOption(const char* name, std::string Config::*member, bool live,
                    const char* (*check)(std::string_view)) {
    Option opt;
    opt.name = name;
    opt.live = live;
    opt.fromString = [=](Config& c, std::string_view s) -> Error {
        if (check != nullptr) {
            if (const char* expected = check(s)) return std::string(expected);
        }
        c.*member = std::string(s);
        return std::nullopt;
    };
    opt.fromJson = [=, f = opt.fromString](Config& c, const Json& v) -> Error {
        if (!v.is_string()) {
            if (check != nullptr) return std::string(check(""));
            return std::string("a string");
        }
        return f(c, v.get<std::string>());
    };
    opt.toString = [=](const Config& c) { return c.*member; };
    opt.toJson = [=](const Config& c) { return Json(c.*member); };
    return opt;
}

// A file name inside a directory (appendfilename, appenddirname): no path, as Redis requires.
const char* plainFileName(std::string_view s) {
    if (s.empty() || s.find('/') != std::string_view::npos || s == "." || s == "..") {
        return "a file name without '/'";
    }
    return nullptr;
}

// Redis's "save" string: "seconds changes [seconds changes ...]", "" = off.
Error parseSavePoints(std::string_view s, std::vector<std::pair<int64_t, int64_t>>& out) {
    std::vector<int64_t> nums;
    size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ') {
            ++i;
            continue;
        }
        size_t j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        int64_t v = 0;
        auto [end, ec] = std::from_chars(s.data() + i, s.data() + j, v);
        if (ec != std::errc() || end != s.data() + j || v < 0) return "Invalid save parameters";
        nums.push_back(v);
        i = j;
    }
    if (nums.size() % 2 != 0) return "Invalid save parameters";
    out.clear();
    for (size_t k = 0; k < nums.size(); k += 2) out.emplace_back(nums[k], nums[k + 1]);
    return std::nullopt;
}

std::string formatSavePoints(const std::vector<std::pair<int64_t, int64_t>>& points) {
    std::string out;
    for (const auto& [sec, changes] : points) {
        if (!out.empty()) out += ' ';
        out += std::to_string(sec) + " " + std::to_string(changes);
    }
    return out;
}

}  // namespace mini_redis::config_option
