'use strict';
// Shared plumbing for the client-library scripts (ioredis_test.js, node_redis_test.js):
// the server addresses from the environment, named checks with a time limit, assertions that
// say expected vs actual, and a raw RESP2 connection for looking at the server behind the
// library's back (SELECT n, CLIENT KILL). No dependencies beyond node itself (node >= 18).
//
// The runner (tests/integration/clients_test.py) sets:
//   REDIS_PORT       a server without a password (each script gets a fresh, empty one)
//   REDIS_AUTH_PORT  a server started with requirepass REDIS_PASSWORD
// Output: one line per check, "ok   NAME (0.12s)" or "FAIL NAME: why", then a summary line
// "SCRIPT: N passed, M failed (names)"; the exit status is 1 when any check failed.

const net = require('node:net');
const util = require('node:util');

const HOST = '127.0.0.1';
const PORT = Number(process.env.REDIS_PORT);
const AUTH_PORT = Number(process.env.REDIS_AUTH_PORT);
const PASSWORD = process.env.REDIS_PASSWORD || '';
// Against a real server every check takes well under a second; these bound the cost of a
// client that never gets ready (it retries forever) so a failing run stays short.
const CHECK_TIMEOUT_MS = Number(process.env.CHECK_TIMEOUT_MS || 8000);
const CONNECT_TIMEOUT_MS = Number(process.env.CONNECT_TIMEOUT_MS || 4000);

if (!PORT || !AUTH_PORT || !PASSWORD) {
  console.error('set REDIS_PORT, REDIS_AUTH_PORT and REDIS_PASSWORD (see clients_test.py)');
  process.exit(2);
}

class CheckFailed extends Error {}

function show(v) {
  return util.inspect(v, { depth: 4, breakLength: Infinity, maxArrayLength: 20 });
}

function eq(actual, expected, what = 'value') {
  if (!util.isDeepStrictEqual(actual, expected)) {
    throw new CheckFailed(`${what}: expected ${show(expected)}, actual ${show(actual)}`);
  }
  return actual;
}

function ok(cond, what) {
  if (!cond) throw new CheckFailed(`expected: ${what}`);
}

// TTL right after `SET ... EX n` (or EXPIRE k n) is n, or n-1 once a second boundary passes.
function ttlNear(ttl, n, what = 'TTL') {
  ok(Number(ttl) === n || Number(ttl) === n - 1, `${what} is ${n} or ${n - 1}, got ${show(ttl)}`);
}

// Awaits fn() and fails it if it rejects with something that is not the expected error.
async function rejects(fn, prefix, what) {
  let err = null;
  try {
    const v = await fn();
    throw new CheckFailed(`${what}: expected an error starting ${show(prefix)}, got ${show(v)}`);
  } catch (e) {
    if (e instanceof CheckFailed) throw e;
    err = e;
  }
  ok(String(err && err.message).startsWith(prefix),
    `${what}: error starting ${show(prefix)}, got ${show(String(err && err.message))}`);
  return err;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls fn() until it returns a truthy value or ms pass (then fails, naming what).
async function waitFor(fn, what, ms = 10000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) {
      throw new CheckFailed(`timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// A raw RESP2 connection: send one command, read one reply. Replies: string for +simple,
// Error for -error (returned, not thrown), number for :int, string or null for bulk, array or
// null for multibulk. Enough for SELECT/GET/SET/CLIENT KILL/FLUSHALL.

class RawConn {
  constructor(port = PORT) {
    this.port = port;
    this.buf = Buffer.alloc(0);
    this.waiters = [];
  }

  connect() {
    return new Promise((resolve, reject) => {
      this.sock = net.createConnection({ host: HOST, port: this.port }, () => resolve(this));
      this.sock.once('error', reject);
      this.sock.on('data', (d) => {
        this.buf = Buffer.concat([this.buf, d]);
        this._drain();
      });
      this.sock.on('close', () => this.waiters.splice(0).forEach((w) => w.reject(
        new Error('raw connection closed by the server'))));
    });
  }

  call(...args) {
    const parts = [`*${args.length}\r\n`];
    for (const a of args.map(String)) parts.push(`$${Buffer.byteLength(a)}\r\n${a}\r\n`);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.sock.write(parts.join(''));
    });
  }

  // Like call(), but an error reply fails the check.
  async ok(...args) {
    const r = await this.call(...args);
    if (r instanceof Error) throw new CheckFailed(`raw ${args.join(' ')} -> -${r.message}`);
    return r;
  }

  close() {
    if (this.sock) this.sock.destroy();
  }

  _drain() {
    while (this.waiters.length) {
      const parsed = parseReply(this.buf, 0);
      if (!parsed) return;
      this.buf = this.buf.subarray(parsed[1]);
      this.waiters.shift().resolve(parsed[0]);
    }
  }
}

// [value, nextOffset] or null when buf ends inside the reply.
function parseReply(buf, pos) {
  const end = buf.indexOf('\r\n', pos);
  if (end < 0) return null;
  const kind = String.fromCharCode(buf[pos]);
  const line = buf.toString('utf8', pos + 1, end);
  const next = end + 2;
  switch (kind) {
    case '+': return [line, next];
    case '-': return [new Error(line), next];
    case ':': return [Number(line), next];
    case '$': {
      const n = Number(line);
      if (n < 0) return [null, next];
      if (buf.length < next + n + 2) return null;
      return [buf.toString('utf8', next, next + n), next + n + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (!r) return null;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default: throw new Error(`raw connection: unexpected reply byte ${show(kind)}`);
  }
}

// Runs fn against a fresh raw connection and closes it.
async function withRaw(fn, port = PORT) {
  const raw = await new RawConn(port).connect();
  try {
    return await fn(raw);
  } finally {
    raw.close();
  }
}

// The value of `key` in database `db`, read over a raw connection (null when absent).
function getInDb(db, key) {
  return withRaw(async (raw) => {
    eq(await raw.call('SELECT', db), 'OK', `raw SELECT ${db}`);
    return raw.call('GET', key);
  });
}

// CLIENT KILL ID id over a raw connection; Redis answers the number of clients killed.
function killClient(id) {
  return withRaw(async (raw) => eq(await raw.call('CLIENT', 'KILL', 'ID', String(id)), 1,
    `CLIENT KILL ID ${id}`));
}

// The field `name` of a CLIENT INFO line ("id=7 addr=... resp=3 ...").
function clientInfoField(info, name) {
  const m = new RegExp(`(?:^| )${name}=(\\S*)`).exec(String(info));
  return m ? m[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Named checks. Each check gets a fresh client (made and closed by the script) so a failure
// does not leak into the next, and a time limit so a client stuck in its reconnect loop fails
// its check instead of hanging the run. `cleanup` functions registered with onCleanup run
// after each check, pass or fail.

const results = [];
let cleanups = [];

function onCleanup(fn) {
  cleanups.push(fn);
}

async function check(name, fn) {
  const started = Date.now();
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`no result within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([fn(), limit]);
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(2)}s)`);
  } catch (e) {
    results.push({ name, ok: false });
    // A server's error reply is the whole story; anything else gets its stack.
    const kind = (e && e.constructor && e.constructor.name) || '';
    const reply = /ReplyError|ErrorReply|SimpleError/.test(kind);
    const why = e instanceof CheckFailed ? e.message
      : reply ? `${e.constructor.name}: ${e.message}` : (e && e.stack) || String(e);
    console.log(`FAIL ${name}: ${why}`);
  } finally {
    clearTimeout(timer);
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await Promise.race([c(), sleep(2000)]);
      } catch (_) { /* the check already reported; closing a broken client may throw */ }
    }
  }
}

// Prints the summary and exits (explicitly: a client left reconnecting must not keep node up).
function finish(script) {
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  console.log(`${script}: ${results.length - failed.length} passed, ${failed.length} failed` +
    (failed.length ? ` (${failed.join(', ')})` : ''));
  process.exit(failed.length ? 1 : 0);
}

// Unhandled 'error' events or rejections from a client in the background are reported, not
// fatal: the check that caused them fails on its own assertion or time limit.
process.on('unhandledRejection',
  (e) => console.log(`     (background rejection: ${e && e.message})`));

module.exports = {
  HOST, PORT, AUTH_PORT, PASSWORD, CHECK_TIMEOUT_MS, CONNECT_TIMEOUT_MS, CheckFailed, eq, ok,
  ttlNear, rejects, sleep, waitFor, RawConn, withRaw, getInDb, killClient, clientInfoField,
  check, onCleanup, finish, show,
};
