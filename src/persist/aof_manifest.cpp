// The manifest's text: Redis 7.0's line format, its quoting, and the file names.
#include "aof_manifest.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <set>

#include "monitor_line.h"

namespace mini_redis {

namespace {

// Redis reads a manifest line into a 1 KiB buffer: a longer line is an error there too.
constexpr size_t kMaxLineBytes = 1024;

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Splits a line into words the way Redis's manifest reader does: whitespace separates words;
// "double quotes" take \xHH, \n, \r, \t, \b, \a and \<char>; 'single quotes' take \' only;
// a closing quote must be followed by whitespace or the end. Nothing on a quoting error.
std::optional<std::vector<std::string>> splitWords(std::string_view line) {
    std::vector<std::string> words;
    size_t i = 0;
    const size_t n = line.size();
    while (true) {
        while (i < n && isSpace(line[i])) ++i;
        if (i >= n) return words;
        std::string word;
        bool done = false;
        while (!done) {
            if (i >= n) break;
            char c = line[i];
            if (c == '"') {
                ++i;
                while (true) {
                    if (i >= n) return std::nullopt;  // unterminated
                    char q = line[i];
                    if (q == '\\' && i + 3 < n && line[i + 1] == 'x' &&
                        hexDigit(line[i + 2]) >= 0 && hexDigit(line[i + 3]) >= 0) {
                        word +=
                            static_cast<char>(hexDigit(line[i + 2]) * 16 + hexDigit(line[i + 3]));
                        i += 4;
                    } else if (q == '\\' && i + 1 < n) {
                        char e = line[i + 1];
                        switch (e) {
                            case 'n':
                                word += '\n';
                                break;
                            case 'r':
                                word += '\r';
                                break;
                            case 't':
                                word += '\t';
                                break;
                            case 'b':
                                word += '\b';
                                break;
                            case 'a':
                                word += '\a';
                                break;
                            default:
                                word += e;
                                break;
                        }
                        i += 2;
                    } else if (q == '"') {
                        ++i;
                        if (i < n && !isSpace(line[i])) return std::nullopt;
                        done = true;
                        break;
                    } else {
                        word += q;
                        ++i;
                    }
                }
            } else if (c == '\'') {
                ++i;
                while (true) {
                    if (i >= n) return std::nullopt;
                    char q = line[i];
                    if (q == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        word += '\'';
                        i += 2;
                    } else if (q == '\'') {
                        ++i;
                        if (i < n && !isSpace(line[i])) return std::nullopt;
                        done = true;
                        break;
                    } else {
                        word += q;
                        ++i;
                    }
                }
            } else if (isSpace(c)) {
                done = true;
            } else {
                word += c;
                ++i;
            }
        }
        words.push_back(std::move(word));
    }
}

bool equalsNoCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

bool needsQuoting(std::string_view name) {
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if (c == '\\' || c == '"' || !std::isprint(u) || std::isspace(u)) return true;
    }
    return name.empty();
}

}  // namespace

std::optional<AofManifest> AofManifest::parse(std::string_view text, std::string* error) {
    AofManifest m;
    std::set<std::string> names;
    size_t line_no = 0;
    auto fail = [&](const std::string& why) -> std::optional<AofManifest> {
        if (error) *error = "line " + std::to_string(line_no) + ": " + why;
        return std::nullopt;
    };
    size_t pos = 0;
    while (pos < text.size()) {
        ++line_no;
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) return fail("no newline at the end of the line");
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.size() + 1 > kMaxLineBytes) return fail("line longer than 1024 bytes");
        if (!line.empty() && line[0] == '#') continue;
        while (!line.empty() && isSpace(line.back())) line.remove_suffix(1);
        if (line.empty()) return fail("empty line");
        auto words = splitWords(line);
        if (!words) return fail("unbalanced quotes");
        if (words->size() % 2 != 0) return fail("a key without a value");
        std::optional<std::string> name, seq_text, type_text;
        for (size_t i = 0; i + 1 < words->size(); i += 2) {
            const std::string& key = (*words)[i];
            if (equalsNoCase(key, "file")) {
                name = (*words)[i + 1];
            } else if (equalsNoCase(key, "seq")) {
                seq_text = (*words)[i + 1];
            } else if (equalsNoCase(key, "type")) {
                type_text = (*words)[i + 1];
            }  // other keys: ignored, as Redis 7.0 does (room for later versions' keys)
        }
        if (!name || name->empty()) return fail("no file name ('file')");
        if (name->find('/') != std::string::npos) {
            return fail("file name '" + *name + "' is not a plain name (it holds '/')");
        }
        if (!seq_text) return fail("no sequence number ('seq') for " + *name);
        if (!type_text) return fail("no file type ('type') for " + *name);
        AofFileInfo info;
        info.name = *name;
        auto [end, ec] =
            std::from_chars(seq_text->data(), seq_text->data() + seq_text->size(), info.seq);
        if (ec != std::errc() || end != seq_text->data() + seq_text->size() || info.seq <= 0) {
            return fail("bad sequence number '" + *seq_text + "' for " + *name);
        }
        if (*type_text == "b") {
            info.type = AofFileType::Base;
        } else if (*type_text == "h") {
            info.type = AofFileType::History;
        } else if (*type_text == "i") {
            info.type = AofFileType::Incr;
        } else {
            return fail("unknown file type '" + *type_text + "' for " + *name);
        }
        if (!names.insert(info.name).second) return fail("file " + *name + " listed twice");
        switch (info.type) {
            case AofFileType::Base:
                if (m.base) return fail("a second base file (" + *name + ")");
                m.base_seq = info.seq;
                m.base = std::move(info);
                break;
            case AofFileType::History:
                m.history.push_back(std::move(info));
                break;
            case AofFileType::Incr:
                if (info.seq <= m.incr_seq) {
                    return fail("incr file " + *name + " has seq " + std::to_string(info.seq) +
                                ", not above the previous incr's " + std::to_string(m.incr_seq));
                }
                m.incr_seq = info.seq;
                m.incrs.push_back(std::move(info));
                break;
        }
    }
    if (!m.base && m.incrs.empty()) {
        line_no = 0;
        if (error) *error = "the manifest lists no base and no incr file";
        return std::nullopt;
    }
    return m;
}

std::string AofManifest::format() const {
    std::string out;
    auto line = [&](const AofFileInfo& f) {
        out += "file ";
        out += quoteName(f.name);
        out += " seq ";
        out += std::to_string(f.seq);
        out += " type ";
        out += static_cast<char>(f.type);
        out += '\n';
    };
    if (base) line(*base);
    for (const auto& f : history) line(f);
    for (const auto& f : incrs) line(f);
    return out;
}

std::string AofManifest::quoteName(std::string_view name) {
    if (!needsQuoting(name)) return std::string(name);
    std::string out;
    appendQuotedArg(out, name);  // Redis's sdscatrepr, as MONITOR quotes an argument
    return out;
}

std::string AofManifest::baseName(std::string_view prefix, int64_t seq, bool rdb) {
    return std::string(prefix) + "." + std::to_string(seq) + (rdb ? ".base.rdb" : ".base.aof");
}

std::string AofManifest::incrName(std::string_view prefix, int64_t seq) {
    return std::string(prefix) + "." + std::to_string(seq) + ".incr.aof";
}

std::string AofManifest::manifestName(std::string_view prefix) {
    return std::string(prefix) + ".manifest";
}

}  // namespace mini_redis
