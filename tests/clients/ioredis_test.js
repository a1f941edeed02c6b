'use strict';
// ioredis (the pinned 6.x) against the server at REDIS_PORT / REDIS_AUTH_PORT (see common.js):
// default options, password, db 3, set/get, SET EX + TTL, EXPIRE, scanStream over 1000 keys,
// pipeline(), multi() (a real MULTI/EXEC, with WATCH), lists, hashes, sets and sorted sets,
// reconnect after CLIENT KILL, subscriber mode (subscribe, psubscribe, message and pmessage
// events, unsubscribe, back to commands), resubscription after a reconnect.
// Run by tests/integration/clients_test.py; `node ioredis_test.js` with the environment set.

const { once } = require('node:events');
const Redis = require('ioredis');
const {
  HOST, PORT, AUTH_PORT, PASSWORD, CONNECT_TIMEOUT_MS, CheckFailed, eq, ok, ttlNear, rejects,
  sleep, waitFor, withRaw, getInDb, killClient, clientInfoField, check, onCleanup, finish,
} = require('./common');

const VERSION = require('ioredis/package.json').version;

// A client whose 'error' events are collected (ioredis prints unhandled ones and goes on) and
// which is disconnected after the check. Waits (bounded: ioredis retries a failed connect
// forever) until it is ready unless lazyConnect is set.
async function client(options = {}, { bare = false } = {}) {
  const c = bare ? new Redis(...options) : new Redis({ host: HOST, port: PORT, ...options });
  c.errors = [];
  c.on('error', (e) => c.errors.push(e.message));
  onCleanup(() => c.disconnect());
  if (!options.lazyConnect && c.status !== 'ready') {
    const limit = sleep(CONNECT_TIMEOUT_MS).then(() => {
      throw new CheckFailed(`not ready within ${CONNECT_TIMEOUT_MS} ms (status ${c.status}); ` +
        `errors: ${JSON.stringify([...new Set(c.errors)])}`);
    });
    await Promise.race([once(c, 'ready'), limit]);
  }
  return c;
}

// Resolves once the connection has closed and the client is ready again on a new one.
function reconnected(c) {
  return new Promise((resolve) => c.once('close', () => c.once('ready', resolve)));
}

async function main() {
  console.log(`ioredis ${VERSION} on node ${process.version}`);

  await check('default options: connect, PING', async () => {
    // Only where to connect; everything else (protocol, ready check, retries) as shipped.
    const c = await client([PORT, HOST], { bare: true });
    eq(await c.ping(), 'PONG', 'PING');
    eq(await c.echo('héllo ✓'), 'héllo ✓', 'ECHO of UTF-8');
  });

  await check('default options negotiate RESP3 (HELLO 3)', async () => {
    // ioredis 6 sends HELLO 3 first; CLIENT INFO's resp= says what the server agreed to.
    const c = await client();
    eq(clientInfoField(await c.client('INFO'), 'resp'), '3', 'CLIENT INFO resp=');
  });

  await check('password (requirepass)', async () => {
    const c = await client({ port: AUTH_PORT, password: PASSWORD });
    eq(await c.set('io:auth', 'yes'), 'OK', 'SET');
    eq(await c.get('io:auth'), 'yes', 'GET');
    const bad = await client({
      port: AUTH_PORT, password: 'not-the-password', lazyConnect: true,
      retryStrategy: () => null, maxRetriesPerRequest: 0,
    });
    // connect() rejects ("Connection is closed."); the server's answer comes as an 'error'.
    await rejects(() => bad.connect(), '', 'connect with a wrong password');
    ok(bad.errors.some((m) => m.startsWith('WRONGPASS')),
      `a WRONGPASS error event for the wrong password, got ${JSON.stringify(bad.errors)}`);
  });

  await check('db: 3 lands in db 3, not db 0', async () => {
    const c = await client({ db: 3 });
    eq(await c.set('io:db', 'three'), 'OK', 'SET');
    eq(await c.get('io:db'), 'three', 'GET through the client');
    eq(await getInDb(3, 'io:db'), 'three', 'raw SELECT 3; GET');
    eq(await getInDb(0, 'io:db'), null, 'raw SELECT 0; GET');
  });

  await check('set/get', async () => {
    const c = await client();
    eq(await c.set('io:k', 'v1'), 'OK', 'SET');
    eq(await c.get('io:k'), 'v1', 'GET');
    eq(await c.set('io:k', 'v2', 'GET'), 'v1', 'SET ... GET (old value)');
    eq(await c.get('io:k'), 'v2', 'GET after overwrite');
    eq(await c.get('io:missing'), null, 'GET of a missing key');
    eq(await c.del('io:k'), 1, 'DEL');
  });

  await check('set EX 10 + ttl', async () => {
    const c = await client();
    eq(await c.set('io:ex', 'v', 'EX', 10), 'OK', 'SET EX 10');
    ttlNear(await c.ttl('io:ex'), 10, 'TTL after SET EX 10');
    eq(await c.get('io:ex'), 'v', 'GET');
    eq(await c.set('io:noex', 'v'), 'OK', 'SET');
    eq(await c.ttl('io:noex'), -1, 'TTL of a key without expiry');
    eq(await c.ttl('io:missing'), -2, 'TTL of a missing key');
  });

  await check('expire', async () => {
    const c = await client();
    eq(await c.set('io:exp', 'v'), 'OK', 'SET');
    eq(await c.expire('io:exp', 100), 1, 'EXPIRE 100');
    ttlNear(await c.ttl('io:exp'), 100, 'TTL after EXPIRE 100');
    eq(await c.expire('io:missing', 100), 0, 'EXPIRE of a missing key');
    eq(await c.pexpire('io:exp', 50), 1, 'PEXPIRE 50');
    await waitFor(async () => (await c.exists('io:exp')) === 0, 'the key to expire after 50 ms');
    eq(await c.get('io:exp'), null, 'GET after it expired');
  });

  await check('scanStream over 1000 keys (MATCH)', async () => {
    const c = await client();
    const want = new Set();
    const p = c.pipeline();
    for (let i = 0; i < 1000; i++) {
      want.add(`io:scan:${i}`);
      p.set(`io:scan:${i}`, String(i));
    }
    for (let i = 0; i < 20; i++) p.set(`io:other:${i}`, 'x'); // must not match
    await p.exec();
    const got = new Set();
    const stream = c.scanStream({ match: 'io:scan:*', count: 100 });
    for await (const batch of stream) for (const k of batch) got.add(k);
    const missing = [...want].filter((k) => !got.has(k));
    const extra = [...got].filter((k) => !want.has(k));
    eq({ missing: missing.slice(0, 5), extra: extra.slice(0, 5), size: got.size },
      { missing: [], extra: [], size: 1000 }, 'keys returned by scanStream');
  });

  await check('pipeline() results', async () => {
    const c = await client();
    const res = await c.pipeline().set('io:pipe', '1').incr('io:pipe').incrby('io:pipe', 10)
      .get('io:pipe').del('io:pipe').exec();
    eq(res, [[null, 'OK'], [null, 2], [null, 12], [null, '12'], [null, 1]], 'pipeline results');
  });

  await check('multi().exec() is a MULTI/EXEC transaction', async () => {
    const c = await client();
    const res = await c.multi().set('io:tx', 'a').append('io:tx', 'b').get('io:tx').exec();
    eq(res, [[null, 'OK'], [null, 2], [null, 'ab']], 'EXEC results');
    // WATCH proves it is a real transaction: a write from elsewhere aborts EXEC (null).
    eq(await c.watch('io:tx'), 'OK', 'WATCH');
    await withRaw(async (raw) => eq(await raw.call('SET', 'io:tx', 'other'), 'OK', 'raw SET'));
    eq(await c.multi().set('io:tx', 'mine').exec(), null, 'EXEC after the watched key changed');
    eq(await c.get('io:tx'), 'other', 'value after the aborted transaction');
    eq(await c.watch('io:tx'), 'OK', 'WATCH again');
    eq(await c.multi().set('io:tx', 'mine').exec(), [[null, 'OK']], 'EXEC, nothing changed');
    eq(await c.get('io:tx'), 'mine', 'value after the committed transaction');
  });

  await check('lists: rpush/lpop/lrange/lmove, an emptied list is no key', async () => {
    const c = await client();
    eq(await c.rpush('io:list', 'a', 'b', 'c', 'd'), 4, 'RPUSH');
    eq(await c.lrange('io:list', 1, -2), ['b', 'c'], 'LRANGE');
    eq(await c.lpop('io:list', 2), ['a', 'b'], 'LPOP with a count');
    eq(await c.lmove('io:list', 'io:list', 'RIGHT', 'LEFT'), 'd', 'LMOVE rotation');
    eq(await c.lrange('io:list', 0, -1), ['d', 'c'], 'after the rotation');
    eq(await c.ltrim('io:list', 5, 10), 'OK', 'LTRIM past the end');
    eq(await c.exists('io:list'), 0, 'an emptied list is no key');
  });

  await check('hashes: hset object, hgetall (RESP3 map), hincrbyfloat, hrandfield', async () => {
    const c = await client();
    eq(await c.hset('io:h', { a: '1', b: '2' }), 2, 'HSET with an object');
    eq(await c.hgetall('io:h'), { a: '1', b: '2' }, 'HGETALL');
    eq(await c.hincrbyfloat('io:h', 'a', '0.5'), '1.5', 'HINCRBYFLOAT');
    eq(await c.hlen('io:h'), 2, 'HLEN');
    const pair = await c.hrandfield('io:h', -3, 'WITHVALUES');
    eq(pair.length, 6, 'HRANDFIELD -3 WITHVALUES gives 3 pairs');
    ok(['a', 'b'].includes(pair[0]), `a field of the hash, got ${pair[0]}`);
  });

  await check('sets: sadd/smembers/sintercard/smove', async () => {
    const c = await client();
    eq(await c.sadd('io:s1', 'x', 'y', 'z'), 3, 'SADD');
    eq(await c.sadd('io:s2', 'y', 'z', 'w'), 3, 'SADD');
    eq((await c.smembers('io:s1')).sort(), ['x', 'y', 'z'], 'SMEMBERS');
    eq(await c.sintercard(2, 'io:s1', 'io:s2', 'LIMIT', 1), 1, 'SINTERCARD LIMIT 1');
    eq(await c.smove('io:s1', 'io:s2', 'x'), 1, 'SMOVE');
    eq(await c.scard('io:s2'), 4, 'SCARD');
  });

  await check('sorted sets: zadd/zrange BYSCORE LIMIT/zrangestore/zmpop', async () => {
    const c = await client();
    eq(await c.zadd('io:z', 1, 'a', 2, 'b', 3, 'c', 4.5, 'd'), 4, 'ZADD');
    eq(await c.zrange('io:z', '(1', '+inf', 'BYSCORE', 'LIMIT', 1, 2, 'WITHSCORES'),
      ['c', '3', 'd', '4.5'], 'ZRANGE BYSCORE LIMIT WITHSCORES');
    eq(await c.zrangestore('io:zz', 'io:z', 0, 1), 2, 'ZRANGESTORE');
    eq(await c.zrange('io:zz', 0, -1), ['a', 'b'], 'the stored range');
    eq(await c.zmpop(1, 'io:z', 'MAX', 'COUNT', 2), ['io:z', [['d', '4.5'], ['c', '3']]],
      'ZMPOP MAX COUNT 2');
    eq(await c.zscore('io:z', 'b'), '2', 'ZSCORE');
  });

  await check('reconnect after CLIENT KILL', async () => {
    const c = await client();
    eq(await c.set('io:re', 'before'), 'OK', 'SET');
    const id = await c.client('ID');
    ok(Number.isInteger(id) && id > 0, `CLIENT ID is a positive integer, got ${id}`);
    const back = reconnected(c);
    await killClient(id);
    await back;
    eq(await c.get('io:re'), 'before', 'GET after the reconnect');
    const id2 = await c.client('ID');
    ok(id2 !== id, `a new connection (CLIENT ID ${id2}, was ${id})`);
  });

  await check('reconnect keeps db 3', async () => {
    const c = await client({ db: 3 });
    eq(await c.set('io:re3', 'in3'), 'OK', 'SET in db 3');
    const back = reconnected(c);
    await killClient(await c.client('ID'));
    await back;
    eq(await c.get('io:re3'), 'in3', 'GET after the reconnect (the client selects db 3 again)');
  });

  await check('subscriber mode: subscribe, psubscribe, messages, unsubscribe', async () => {
    const sub = await client();
    const pub = await client();
    const got = [];
    sub.on('message', (channel, message) => got.push(['message', channel, message]));
    sub.on('pmessage', (pattern, channel, message) => got.push(['pmessage', pattern, channel,
      message]));
    eq(await sub.subscribe('io:news', 'io:sport'), 2, 'SUBSCRIBE resolves to the count');
    eq(await sub.psubscribe('io:n*'), 3, 'PSUBSCRIBE counts channels and patterns');
    eq(await pub.publish('io:news', 'hello ✓'), 2, 'PUBLISH: the channel and the pattern');
    eq(await pub.publish('io:sport', 'goal'), 1, 'PUBLISH: the channel only');
    eq(await pub.publish('io:zzz', 'x'), 0, 'PUBLISH: nobody');
    await waitFor(() => got.length >= 3, 'three messages');
    eq(got, [['message', 'io:news', 'hello ✓'], ['pmessage', 'io:n*', 'io:news', 'hello ✓'],
      ['message', 'io:sport', 'goal']], 'messages in publish order, channel before pattern');
    eq(await sub.unsubscribe('io:news'), 2, 'UNSUBSCRIBE one channel');
    eq(await pub.publish('io:news', 'again'), 1, 'only the pattern receives it now');
    await waitFor(() => got.length >= 4, 'the pattern message');
    eq(got[3], ['pmessage', 'io:n*', 'io:news', 'again'], 'pmessage');
    eq(await pub.pubsub('NUMSUB', 'io:sport', 'io:news'), ['io:sport', 1, 'io:news', 0],
      'PUBSUB NUMSUB');
    // Named: ioredis 6's promise for an argument-less (P)UNSUBSCRIBE never settles (Redis too).
    eq(await sub.punsubscribe('io:n*'), 1, 'PUNSUBSCRIBE the pattern');
    eq(await sub.unsubscribe('io:sport'), 0, 'UNSUBSCRIBE the last channel');
    eq(await pub.publish('io:sport', 'late'), 0, 'no receivers left');
    eq(await sub.set('io:after', 'sub'), 'OK', 'commands again once unsubscribed');
    eq(got.length, 4, 'nothing after unsubscribing');
  });

  await check('subscriber mode survives a reconnect (ioredis resubscribes)', async () => {
    const sub = await client();
    const pub = await client();
    const got = [];
    sub.on('message', (channel, message) => got.push(message));
    const id = await sub.client('ID');  // before: a subscriber may not send CLIENT in RESP2
    await sub.subscribe('io:re');
    const back = reconnected(sub);
    await killClient(id);
    await back;
    await waitFor(async () => (await pub.publish('io:re', 'after')) === 1, 'resubscribed');
    await waitFor(() => got.includes('after'), 'the message after the reconnect');
  });

  finish('ioredis_test.js');
}

main().catch((e) => {
  console.log(`FAIL (outside any check): ${e && e.stack}`);
  process.exit(1);
});
