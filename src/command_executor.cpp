// Dispatch of one batch: the only place unknown commands and wrong arity are rejected.
#include "command_executor.h"

#include <vector>

#include "command_context.h"
#include "errors.h"

namespace mini_redis {

namespace {

// Redis's reply for an unknown command quotes the name and up to the first few arguments.
void replyUnknown(Reply& reply, std::span<const std::string_view> argv) {
    std::string text = "ERR unknown command '";
    text.append(argv[0].substr(0, 128));
    text += "', with args beginning with: ";
    for (size_t i = 1; i < argv.size() && text.size() < 512; ++i) {
        text += '\'';
        text.append(argv[i].substr(0, 128));
        text += "' ";
    }
    reply.error(text);
}

}  // namespace

void CommandExecutor::run(Batch& batch, WorkerStats& worker_stats) const {
    auto config = config_.get();
    Reply reply(batch.reply);
    thread_local std::vector<std::string_view> argv;
    size_t next_arg = 0;
    for (uint32_t argc : batch.argc) {
        argv.clear();
        for (uint32_t i = 0; i < argc; ++i) argv.push_back(batch.args[next_arg + i]);
        next_arg += argc;
        ++batch.executed;

        const CommandSpec* spec = table_.find(argv[0]);
        if (spec == nullptr) {
            replyUnknown(reply, argv);
            continue;
        }
        if (!CommandTable::arityOk(*spec, argc)) {
            std::string name(spec->name);
            reply.errorf(errors::kWrongArityFmt, name.c_str());
            continue;
        }
        CommandContext ctx{argv,    *spec,   store_, reply, batch.session, *config, config_,
                           stats_,  worker_stats, table_};
        spec->handler(ctx);
        if (ctx.close_after) {
            batch.close_after = true;
            break;
        }
    }
    worker_stats.commands.fetch_add(batch.executed, std::memory_order_relaxed);
    worker_stats.batches.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace mini_redis
