// The sorted-set family, algebra: ZUNION ZINTER ZDIFF, their STORE forms, ZINTERCARD.
#include "zset_helpers.h"

namespace mini_redis {

void registerZSetAlgebraCommands(CommandTable&) {}

}  // namespace mini_redis
