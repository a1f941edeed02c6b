// SORT and SORT_RO: the elements of a list, set or sorted set, ordered numerically or by bytes,
// optionally by other keys' values (BY pattern), mapped through other keys (GET pattern), cut
// by LIMIT, and returned or stored as a list (STORE).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"
#include "hash_value.h"
#include "list_value.h"
#include "set_value.h"
#include "zset_value.h"

namespace mini_redis {

namespace {

namespace ev = keyspace_events;

// The parsed options of one SORT.
struct SortOptions {
    bool desc = false;
    bool alpha = false;
    bool dont_sort = false;               // BY with no '*' (BY nosort): keep the native order
    std::optional<std::string_view> by;   // a pattern with a '*'
    std::vector<std::string_view> gets;   // GET patterns, in order
    std::optional<std::string_view> store;
    int64_t limit_start = 0;
    int64_t limit_count = -1;
};

// Parses argv[2..]; replies and returns false on a mistake (as Redis: the first bad option).
bool parseOptions(CommandContext& ctx, bool read_only, SortOptions& o) {
    const auto& argv = ctx.argv;
    for (size_t j = 2; j < argv.size(); ++j) {
        const size_t left = argv.size() - j - 1;
        std::string_view a = argv[j];
        if (equalsNoCase(a, "asc")) {
            o.desc = false;
        } else if (equalsNoCase(a, "desc")) {
            o.desc = true;
        } else if (equalsNoCase(a, "alpha")) {
            o.alpha = true;
        } else if (equalsNoCase(a, "limit") && left >= 2) {
            if (!parseInteger(argv[j + 1], o.limit_start) ||
                !parseInteger(argv[j + 2], o.limit_count)) {
                ctx.reply.error(errors::kNotInteger);
                return false;
            }
            j += 2;
        } else if (!read_only && equalsNoCase(a, "store") && left >= 1) {
            o.store = argv[++j];
        } else if (equalsNoCase(a, "by") && left >= 1) {
            std::string_view p = argv[++j];
            // As Redis (which reads the pattern as a C string): a '*' after a NUL byte does
            // not count.
            std::string_view c_part = p.substr(0, p.find('\0'));
            if (c_part.find('*') == std::string_view::npos) {
                o.dont_sort = true;
                o.by.reset();
            } else {
                o.dont_sort = false;
                o.by = p;
            }
        } else if (equalsNoCase(a, "get") && left >= 1) {
            o.gets.push_back(argv[++j]);
        } else {
            ctx.reply.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// Does a BY or GET pattern read other keys? ("#" is the element itself; a pattern without a
// '*' names no key, Redis returns nothing for it.)
bool readsKeys(std::string_view pattern) {
    if (pattern == "#") return false;
    return pattern.substr(0, pattern.find('\0')).find('*') != std::string_view::npos;
}

// Redis's lookupKeyByPattern: "#" is the element; the first '*' takes the element; a "->field"
// after it reads that hash field. nullopt: no such key, or not a string / hash.
std::optional<std::string> lookupPattern(CommandContext& ctx, std::string_view pattern,
                                         std::string_view element) {
    if (pattern == "#") return std::string(element);
    std::string_view c_part = pattern.substr(0, pattern.find('\0'));
    const size_t star = c_part.find('*');
    if (star == std::string_view::npos) return std::nullopt;
    // A "->" after the star with something after it dereferences a hash field.
    std::string_view field;
    size_t key_end = pattern.size();
    const size_t arrow = c_part.find("->", star + 1);
    if (arrow != std::string_view::npos && arrow + 2 < pattern.size()) {
        field = pattern.substr(arrow + 2);
        key_end = arrow;
    }
    std::string key;
    key.reserve(key_end + element.size());
    key.append(pattern.substr(0, star));
    key.append(element);
    key.append(pattern.substr(star + 1, key_end - star - 1));
    KeyTable::Entry* e = ctx.scope.find(ctx.db(), key);
    if (e == nullptr) return std::nullopt;
    if (arrow != std::string_view::npos && arrow + 2 < pattern.size()) {
        if (KeyTable::type(e) != ValueType::Hash) return std::nullopt;
        std::optional<std::string_view> v =
            static_cast<const HashValue*>(KeyTable::collection(e))->get(field);
        if (!v) return std::nullopt;
        return std::string(*v);
    }
    if (KeyTable::type(e) != ValueType::String) return std::nullopt;
    return std::string(KeyTable::value(e));
}

// One element being sorted, with what it sorts by.
struct Item {
    explicit Item(std::string_view e) : element(e) {}
    std::string element;
    double score = 0;                 // numeric sort
    std::optional<std::string> by;    // ALPHA with BY: the looked-up value (nullopt: none)
};

// Redis reads a sort weight with strtod on a C string: leading spaces, hex and "inf" pass;
// trailing bytes (up to a NUL), NaN and out-of-range values do not.
bool parseWeight(std::string_view s, double& out) {
    std::string text(s);
    char* end = nullptr;
    errno = 0;
    out = std::strtod(text.c_str(), &end);
    return *end == '\0' && errno != ERANGE && !std::isnan(out);
}

// strcmp's order (bytes up to the first NUL), as Redis's strcoll in the C locale.
int collate(std::string_view a, std::string_view b) {
    return std::strcmp(std::string(a).c_str(), std::string(b).c_str());
}

int binaryCompare(std::string_view a, std::string_view b) {
    return a.compare(b);
}

// The elements of the value to sort, in its native order (a list front to back, a sorted set
// by score, a set in its own order).
void gatherElements(const KeyTable::Entry* e, std::vector<Item>& out) {
    const Collection* c = KeyTable::collection(e);
    out.reserve(c->length());
    switch (KeyTable::type(e)) {
        case ValueType::List: {
            const auto* l = static_cast<const ListValue*>(c);
            l->forRange(0, l->length(), [&](std::string_view v) { out.emplace_back(v); });
            break;
        }
        case ValueType::Set:
            static_cast<const SetValue*>(c)->forEach([&](std::string_view v) { out.emplace_back(v); });
            break;
        case ValueType::ZSet: {
            const auto* z = static_cast<const ZSetValue*>(c);
            for (ZSetValue::Cursor it = z->at(0); it.valid(); it.next()) out.emplace_back(it.member());
            break;
        }
        default:
            break;
    }
}

void sortGeneric(CommandContext& ctx, bool read_only) {
    SortOptions o;
    if (!parseOptions(ctx, read_only, o)) return;
    // Lock what it reads: the key and the destination, or every shard when a pattern names
    // other keys (inside EXEC the scope already holds all).
    bool patterns = o.by.has_value();
    for (std::string_view g : o.gets) patterns = patterns || readsKeys(g);
    if (!ctx.scope.holdsAll()) {
        if (patterns) {
            ctx.scope.lockAll();
        } else {
            std::string_view keys[2] = {ctx.argv[1], o.store ? *o.store : ctx.argv[1]};
            ctx.scope.lockKeys(std::span<const std::string_view>(keys, o.store ? 2 : 1));
        }
    }

    // Every lookup of SORT ... STORE is a read lookup in Redis (keymiss), its source's and its
    // patterns'; storing looks the destination up without one.
    ctx.scope.setReadLookups(true);
    std::vector<Item> items;
    KeyTable::Entry* src = ctx.scope.find(ctx.db(), ctx.argv[1]);
    ValueType type = ValueType::List;
    if (src != nullptr) {
        type = KeyTable::type(src);
        if (type == ValueType::String || type == ValueType::Hash) {
            ctx.reply.error(errors::kWrongType);
            return;
        }
        gatherElements(src, items);
    }
    // A set without an order asked for would come out in table order: with STORE Redis sorts
    // it by bytes so the stored list does not depend on the table.
    if (o.dont_sort && type == ValueType::Set && o.store) {
        o.dont_sort = false;
        o.alpha = true;
        o.by.reset();
    }

    // LIMIT, as Redis clamps it.
    const auto n = static_cast<int64_t>(items.size());
    int64_t start = o.limit_start < 0 ? 0 : o.limit_start;
    int64_t end = o.limit_count < 0 ? n - 1
                  : start > INT64_MAX - o.limit_count ? INT64_MAX
                                                        : start + o.limit_count - 1;
    if (start >= n) {
        start = n - 1;
        end = n - 2;
    }
    if (end >= n) end = n - 1;

    bool bad_weight = false;
    if (o.dont_sort) {
        // Native order; DESC walks a list or sorted set from its other end.
        if (o.desc && type != ValueType::Set) std::reverse(items.begin(), items.end());
    } else {
        for (Item& it : items) {
            std::optional<std::string> looked;
            std::string_view weight = it.element;
            if (o.by) {
                looked = lookupPattern(ctx, *o.by, it.element);
                if (!looked) continue;  // a missing weight sorts as 0 (or first, with ALPHA)
                weight = *looked;
            }
            if (o.alpha) {
                if (o.by) it.by = std::move(looked);
            } else if (!parseWeight(weight, it.score)) {
                bad_weight = true;
            }
        }
        const bool store = o.store.has_value();
        const bool by = o.by.has_value();
        auto less = [&](const Item& a, const Item& b) {
            int cmp;
            if (!o.alpha) {
                cmp = a.score < b.score ? -1
                      : a.score > b.score ? 1
                                          : binaryCompare(a.element, b.element);
            } else if (by) {
                if (!a.by || !b.by) {
                    cmp = a.by.has_value() == b.by.has_value() ? 0 : a.by ? 1 : -1;
                } else {
                    cmp = store ? binaryCompare(*a.by, *b.by) : collate(*a.by, *b.by);
                }
            } else {
                cmp = store ? binaryCompare(a.element, b.element) : collate(a.element, b.element);
            }
            return o.desc ? cmp > 0 : cmp < 0;
        };
        // Stable: ties keep the native order, as glibc's qsort (a merge sort) does for Redis.
        std::stable_sort(items.begin(), items.end(), less);
    }
    if (bad_weight) {
        ctx.reply.error(errors::kSortNotDouble);
        return;
    }

    const size_t first = static_cast<size_t>(std::max<int64_t>(start, 0));
    const size_t count = end >= start ? static_cast<size_t>(end - start + 1) : 0;
    if (!o.store) {
        ctx.reply.arrayHeader(o.gets.empty() ? count : count * o.gets.size());
        for (size_t i = first; i < first + count; ++i) {
            if (o.gets.empty()) {
                ctx.reply.bulk(items[i].element);
                continue;
            }
            for (std::string_view g : o.gets) {
                std::optional<std::string> v = lookupPattern(ctx, g, items[i].element);
                v ? ctx.reply.bulk(*v) : ctx.reply.nil();
            }
        }
        return;
    }
    // STORE: the result as a list (a missing GET stores an empty string); an empty result
    // deletes the destination.
    std::vector<std::string> out;
    out.reserve(o.gets.empty() ? count : count * o.gets.size());
    for (size_t i = first; i < first + count; ++i) {
        if (o.gets.empty()) {
            out.push_back(std::move(items[i].element));
            continue;
        }
        for (std::string_view g : o.gets) {
            out.push_back(lookupPattern(ctx, g, items[i].element).value_or(std::string()));
        }
    }
    const size_t stored = out.size();
    if (stored == 0) {
        if (ctx.scope.remove(ctx.db(), *o.store))
            ctx.scope.notify(ev::kGeneric, "del", ctx.db(), *o.store);
    } else {
        auto list = std::make_unique<ListValue>(ctx.config.list_max_listpack_size);
        for (const std::string& v : out) list->push(ListValue::End::Tail, v);
        ctx.scope.setCollection(ctx.db(), *o.store, ValueType::List, std::move(list));
        ctx.scope.notify(ev::kList, "sortstore", ctx.db(), *o.store);
    }
    ctx.reply.integer(static_cast<int64_t>(stored));
}

void sortCommand(CommandContext& ctx) {
    sortGeneric(ctx, false);
}

void sortRoCommand(CommandContext& ctx) {
    sortGeneric(ctx, true);
}

}  // namespace

void registerSortCommands(CommandTable& t) {
    // kCmdKeyspace: SORT locks its own keys once its options are read (BY and GET patterns
    // name keys that are not arguments, so it then locks every shard).
    t.add({"sort", -2, kCmdWrite | kCmdKeyspace, 1, 1, 1, sortCommand, "generic",
           "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] "
           "[ALPHA] [STORE destination]",
           "Sort the elements in a list, set or sorted set"});
    t.add({"sort_ro", -2, kCmdReadOnly | kCmdKeyspace, 1, 1, 1, sortRoCommand, "generic",
           "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC|DESC] "
           "[ALPHA]",
           "Sort the elements in a list, set or sorted set. Read-only variant of SORT."});
}

}  // namespace mini_redis
