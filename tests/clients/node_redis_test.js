'use strict';
// node-redis against the server at REDIS_PORT / REDIS_AUTH_PORT (see common.js). One script
// for every pinned major: `node node_redis_test.js MODULE`, MODULE being `redis` (6.x),
// `redis5` or `redis4` (npm aliases in package.json). Checks: default options (and which
// protocol they speak: 6.x asks for RESP3, 4.x and 5.x stay on RESP2), password, database 3,
// set/get, SET {EX} + TTL, EXPIRE, scanIterator over 1000 keys, multi().exec() (a real
// MULTI/EXEC, with WATCH), multi().execAsPipeline(), reconnect after CLIENT KILL.
//
// Where the majors differ, the expected value says so: 4.x's EXPIRE gives a boolean (5.x+ the
// integer), 4.x's scanIterator yields single keys (5.x+ yields arrays of keys), 4.x closes
// with disconnect() (5.x+ with destroy()).

const MODULE = process.argv[2] || 'redis';
const { createClient, WatchError } = require(MODULE);
const {
  HOST, PORT, AUTH_PORT, PASSWORD, CONNECT_TIMEOUT_MS, CheckFailed, eq, ok, ttlNear, rejects,
  sleep, waitFor, withRaw, getInDb, killClient, clientInfoField, check, onCleanup, finish,
} = require('./common');

const VERSION = require(`${MODULE}/package.json`).version;
const MAJOR = Number(VERSION.split('.')[0]);
const DEFAULT_RESP = MAJOR >= 6 ? '3' : '2';

// A connected client; 'error' events are collected (node-redis throws on an unhandled one)
// and the client is closed after the check. `connect: false` leaves connecting to the check.
// node-redis retries a failed connect (a rejected HELLO or SELECT) forever, so connecting has
// a time limit, and its failure names the errors the client saw.
async function client(options = {}, { connect = true, bare = false } = {}) {
  const c = createClient(bare ? options : { socket: { host: HOST, port: PORT }, ...options });
  c.errors = [];
  c.on('error', (e) => c.errors.push(e.message));
  onCleanup(async () => {
    if (c.isOpen) await (c.destroy ? c.destroy() : c.disconnect());
  });
  if (connect) {
    const limit = sleep(CONNECT_TIMEOUT_MS).then(() => {
      throw new CheckFailed(`connect() did not finish within ${CONNECT_TIMEOUT_MS} ms; ` +
        `errors: ${JSON.stringify([...new Set(c.errors)])}`);
    });
    await Promise.race([c.connect(), limit]);
  }
  return c;
}

// Resolves once the client has lost its connection and is ready again on a new one.
function reconnected(c) {
  return new Promise((resolve) => c.once('reconnecting', () => c.once('ready', resolve)));
}

const clientId = (c) => c.sendCommand(['CLIENT', 'ID']);
const clientInfo = async (c) => String(await c.sendCommand(['CLIENT', 'INFO']));

async function main() {
  console.log(`node-redis ${VERSION} (${MODULE}) on node ${process.version}`);

  await check('default options: connect, PING', async () => {
    // Only where to connect; everything else as shipped.
    const c = await client({ url: `redis://${HOST}:${PORT}` }, { bare: true });
    eq(c.isReady, true, 'isReady after connect()');
    eq(await c.ping(), 'PONG', 'PING');
    eq(await c.echo('héllo ✓'), 'héllo ✓', 'ECHO of UTF-8');
  });

  await check(`default options speak RESP${DEFAULT_RESP}`, async () => {
    const c = await client();
    eq(clientInfoField(await clientInfo(c), 'resp'), DEFAULT_RESP, 'CLIENT INFO resp=');
  });

  if (MAJOR === 5) {
    await check('RESP: 3 (opt-in, HELLO 3)', async () => {
      const c = await client({ RESP: 3 });
      eq(clientInfoField(await clientInfo(c), 'resp'), '3', 'CLIENT INFO resp=');
      eq(await c.set('nr:resp3', 'v'), 'OK', 'SET');
      eq(await c.get('nr:resp3'), 'v', 'GET');
    });
  }

  await check('password (requirepass)', async () => {
    const c = await client({ socket: { host: HOST, port: AUTH_PORT }, password: PASSWORD });
    eq(await c.set('nr:auth', 'yes'), 'OK', 'SET');
    eq(await c.get('nr:auth'), 'yes', 'GET');
    const bad = await client({
      socket: { host: HOST, port: AUTH_PORT, reconnectStrategy: false },
      password: 'not-the-password',
    }, { connect: false });
    await rejects(() => bad.connect(), 'WRONGPASS', 'connect() with a wrong password');
  });

  await check('database: 3 lands in db 3, not db 0', async () => {
    const c = await client({ database: 3 });
    eq(await c.set('nr:db', 'three'), 'OK', 'SET');
    eq(await c.get('nr:db'), 'three', 'GET through the client');
    eq(await getInDb(3, 'nr:db'), 'three', 'raw SELECT 3; GET');
    eq(await getInDb(0, 'nr:db'), null, 'raw SELECT 0; GET');
  });

  await check('set/get', async () => {
    const c = await client();
    eq(await c.set('nr:k', 'v1'), 'OK', 'SET');
    eq(await c.get('nr:k'), 'v1', 'GET');
    eq(await c.set('nr:k', 'v2', { GET: true }), 'v1', 'SET ... GET (old value)');
    eq(await c.get('nr:k'), 'v2', 'GET after overwrite');
    eq(await c.get('nr:missing'), null, 'GET of a missing key');
    eq(await c.del('nr:k'), 1, 'DEL');
  });

  await check('set {EX: 10} + ttl', async () => {
    const c = await client();
    eq(await c.set('nr:ex', 'v', { EX: 10 }), 'OK', 'SET EX 10');
    ttlNear(await c.ttl('nr:ex'), 10, 'TTL after SET EX 10');
    eq(await c.get('nr:ex'), 'v', 'GET');
    eq(await c.set('nr:noex', 'v'), 'OK', 'SET');
    eq(await c.ttl('nr:noex'), -1, 'TTL of a key without expiry');
    eq(await c.ttl('nr:missing'), -2, 'TTL of a missing key');
  });

  await check('expire', async () => {
    const c = await client();
    const yes = MAJOR >= 5 ? 1 : true;
    const no = MAJOR >= 5 ? 0 : false;
    eq(await c.set('nr:exp', 'v'), 'OK', 'SET');
    eq(await c.expire('nr:exp', 100), yes, 'EXPIRE 100');
    ttlNear(await c.ttl('nr:exp'), 100, 'TTL after EXPIRE 100');
    eq(await c.expire('nr:missing', 100), no, 'EXPIRE of a missing key');
    eq(await c.pExpire('nr:exp', 50), yes, 'PEXPIRE 50');
    await waitFor(async () => (await c.exists('nr:exp')) === 0, 'the key to expire after 50 ms');
    eq(await c.get('nr:exp'), null, 'GET after it expired');
  });

  await check('scanIterator over 1000 keys (MATCH)', async () => {
    const c = await client();
    const want = new Set();
    const pairs = [];
    for (let i = 0; i < 1000; i++) {
      want.add(`nr:scan:${i}`);
      pairs.push([`nr:scan:${i}`, String(i)]);
    }
    for (let i = 0; i < 20; i++) pairs.push([`nr:other:${i}`, 'x']); // must not match
    eq(await c.mSet(pairs), 'OK', 'MSET of 1020 keys');
    const got = new Set();
    for await (const item of c.scanIterator({ MATCH: 'nr:scan:*', COUNT: 100 })) {
      // 5.x and later yield each SCAN reply's batch of keys; 4.x yields the keys one by one.
      eq(Array.isArray(item), MAJOR >= 5, 'scanIterator yields arrays (5.x+) / strings (4.x)');
      for (const k of [].concat(item)) got.add(k);
    }
    const missing = [...want].filter((k) => !got.has(k));
    const extra = [...got].filter((k) => !want.has(k));
    eq({ missing: missing.slice(0, 5), extra: extra.slice(0, 5), size: got.size },
      { missing: [], extra: [], size: 1000 }, 'keys returned by scanIterator');
  });

  await check('multi().exec() is a MULTI/EXEC transaction', async () => {
    const c = await client();
    const res = await c.multi().set('nr:tx', 'a').append('nr:tx', 'b').get('nr:tx').exec();
    eq(res, ['OK', 2, 'ab'], 'EXEC results');
    // WATCH proves it is a real transaction: a write from elsewhere aborts EXEC.
    eq(await c.watch('nr:tx'), 'OK', 'WATCH');
    await withRaw(async (raw) => eq(await raw.call('SET', 'nr:tx', 'other'), 'OK', 'raw SET'));
    let aborted = null;
    try {
      aborted = await c.multi().set('nr:tx', 'mine').exec();
    } catch (e) {
      aborted = e;
    }
    ok(aborted instanceof WatchError, `EXEC after the watched key changed throws WatchError, ` +
      `got ${aborted && (aborted.message || JSON.stringify(aborted))}`);
    eq(await c.get('nr:tx'), 'other', 'value after the aborted transaction');
    eq(await c.watch('nr:tx'), 'OK', 'WATCH again');
    eq(await c.multi().set('nr:tx', 'mine').exec(), ['OK'], 'EXEC, nothing changed');
    eq(await c.get('nr:tx'), 'mine', 'value after the committed transaction');
  });

  await check('multi().execAsPipeline() results', async () => {
    const c = await client();
    const res = await c.multi().set('nr:pipe', '1').incr('nr:pipe').incrBy('nr:pipe', 10)
      .get('nr:pipe').del('nr:pipe').execAsPipeline();
    eq(res, ['OK', 2, 12, '12', 1], 'pipeline results');
  });

  await check('reconnect after CLIENT KILL', async () => {
    const c = await client();
    eq(await c.set('nr:re', 'before'), 'OK', 'SET');
    const id = await clientId(c);
    ok(Number.isInteger(id) && id > 0, `CLIENT ID is a positive integer, got ${id}`);
    const back = reconnected(c);
    await killClient(id);
    await back;
    eq(await c.get('nr:re'), 'before', 'GET after the reconnect');
    const id2 = await clientId(c);
    ok(id2 !== id, `a new connection (CLIENT ID ${id2}, was ${id})`);
  });

  await check('reconnect keeps database 3', async () => {
    const c = await client({ database: 3 });
    eq(await c.set('nr:re3', 'in3'), 'OK', 'SET in db 3');
    const back = reconnected(c);
    await killClient(await clientId(c));
    await back;
    eq(await c.get('nr:re3'), 'in3', 'GET after the reconnect (the client selects db 3 again)');
  });

  finish(`node_redis_test.js ${MODULE}`);
}

main().catch((e) => {
  console.log(`FAIL (outside any check): ${e && e.stack}`);
  process.exit(1);
});
