// CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO: the handlers, listed
// in the CLIENT container's subcommand table (connection_commands.cpp).
#pragma once

#include "command_context.h"

namespace mini_redis {

// Reactor thread (kCmdReactor, like every CLIENT subcommand).
void clientTracking(CommandContext& ctx);
void clientCaching(CommandContext& ctx);
void clientGetredir(CommandContext& ctx);
void clientTrackinginfo(CommandContext& ctx);

}  // namespace mini_redis
