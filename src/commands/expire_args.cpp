// SET/GETEX expiry options.
#include "expire_args.h"

#include <climits>
#include <string>

#include "command_args.h"
#include "command_context.h"
#include "errors.h"

namespace mini_redis {

bool ExpireArgs::parse(CommandContext& ctx, size_t from, int which) {
    const bool set = which == kForSet;
    for (size_t j = from; j < ctx.argv.size(); ++j) {
        std::string_view opt = ctx.argv[j];
        const bool has_next = j + 1 < ctx.argv.size();
        auto takeTime = [&](Unit u, bool abs) {
            // The same option repeated is allowed (the last wins); another one is not.
            if (keep_ttl || persist || !has_next) return false;
            if (hasTime() && (unit != u || absolute != abs)) return false;
            unit = u;
            absolute = abs;
            time_arg = ctx.argv[++j];
            return true;
        };
        bool ok = false;
        if (set && equalsNoCase(opt, "nx")) {
            ok = !xx;
            nx = true;
        } else if (set && equalsNoCase(opt, "xx")) {
            ok = !nx;
            xx = true;
        } else if (set && equalsNoCase(opt, "get")) {
            ok = get = true;
        } else if (set && equalsNoCase(opt, "keepttl")) {
            ok = !persist && !hasTime();
            keep_ttl = true;
        } else if (!set && equalsNoCase(opt, "persist")) {
            ok = !keep_ttl && !hasTime();
            persist = true;
        } else if (equalsNoCase(opt, "ex")) {
            ok = takeTime(Unit::Seconds, false);
        } else if (equalsNoCase(opt, "px")) {
            ok = takeTime(Unit::Milliseconds, false);
        } else if (equalsNoCase(opt, "exat")) {
            ok = takeTime(Unit::Seconds, true);
        } else if (equalsNoCase(opt, "pxat")) {
            ok = takeTime(Unit::Milliseconds, true);
        }
        if (!ok) {
            ctx.reply.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

bool ExpireArgs::absoluteMs(CommandContext& ctx, int64_t& out) const {
    int64_t n = 0;
    if (!parseInteger(time_arg, n)) {
        ctx.reply.error(errors::kNotInteger);
        return false;
    }
    std::string name(ctx.spec.name);
    if (n <= 0 || (unit == Unit::Seconds && n > LLONG_MAX / 1000)) {
        ctx.reply.errorf(errors::kInvalidExpireFmt, name.c_str());
        return false;
    }
    if (unit == Unit::Seconds) n *= 1000;
    if (!absolute) {
        const int64_t now = ctx.scope.now();
        if (n > LLONG_MAX - now) {
            ctx.reply.errorf(errors::kInvalidExpireFmt, name.c_str());
            return false;
        }
        n += now;
    }
    out = n;
    return true;
}

}  // namespace mini_redis
