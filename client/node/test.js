'use strict';
// Tests of the Node.js client against a live bilateral-server with API keys
// (test.sh; the server comes from scripts/clients_test.sh). Needs
// BILATERAL_ENDPOINT, BILATERAL_API_KEY (writer) and BILATERAL_READER_KEY.

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const { setTimeout: sleep } = require('node:timers/promises');
const { connect, errorDetails, grpc, listAll } = require('./client');

/** @typedef {ReturnType<typeof connect>} Client */
/** @typedef {import('./generated/bilateral/v1/ChangeEvent').ChangeEvent__Output} ChangeEvent */
/** @typedef {import('./generated/bilateral/v1/WatchChangesResponse').WatchChangesResponse__Output} WatchChangesResponse */

for (const name of ['BILATERAL_ENDPOINT', 'BILATERAL_API_KEY', 'BILATERAL_READER_KEY']) {
  if (!process.env[name]) throw new Error(`${name} is not set; run the tests through test.sh`);
}

// Ids no earlier run used: resource ids are [a-z0-9-], starting with a letter.
const run = `node-${Date.now().toString(36)}-${process.pid.toString(36)}`;

/**
 * Rejects with the call's grpc.ServiceError, or fails when the call succeeds.
 * @param {Promise<unknown>} call
 * @param {grpc.status} code
 * @returns {Promise<grpc.ServiceError>}
 */
async function expectError(call, code) {
  try {
    await call;
  } catch (error) {
    const serviceError = /** @type {grpc.ServiceError} */ (error);
    assert.equal(serviceError.code, code, `${grpc.status[code]} expected, got: ${serviceError.message}`);
    return serviceError;
  }
  assert.fail(`${grpc.status[code]} expected, the call succeeded`);
}

/**
 * A source and a visit citing it, with ids that start with `prefix`.
 * @param {Client} client
 * @param {string} prefix
 */
async function createSourceAndVisit(client, prefix) {
  const source = await client.sources.createSource({
    source: {
      title: `Test source ${prefix}`,
      publisher: 'Node.js client tests',
      kind: 'SOURCE_KIND_NEWS_ARTICLE',
      language: 'en',
      publication_date: { year: 2019, month: 6 },
    },
    source_id: `${prefix}-source`,
    request_id: `${prefix}-source-request`,
  });
  /** @type {import('./generated/bilateral/v1/CreateVisitRequest').CreateVisitRequest} */
  const request = {
    visit: {
      visitor: { name: 'Test Visitor', office: 'Minister of Tests', country: 'UZ' },
      host_country: 'MNG', // alpha-3 in; countries/MN out
      start_date: { year: 2019, month: 6, day: 12 },
      kind: 'VISIT_KIND_OFFICIAL',
      cities: ['Ulaanbaatar'],
      citations: [{ source: source.name, quote: 'The minister arrived in Ulaanbaatar on 12 June.' }],
    },
    visit_id: `${prefix}-visit`,
    request_id: `${prefix}-visit-request`,
  };
  const visit = await client.visits.createVisit(request);
  return { source, visit, request };
}

describe('bilateral.v1 through the Node.js client', () => {
  /** @type {Client} */ let writer;
  /** @type {Client} */ let reader;
  /** @type {Client} */ let anonymous;

  before(() => {
    writer = connect({ timeoutMs: 10000 });
    reader = connect({ apiKey: process.env.BILATERAL_READER_KEY, timeoutMs: 10000 });
    anonymous = connect({ apiKey: '', timeoutMs: 10000 });
  });

  after(() => {
    for (const client of [writer, reader, anonymous]) client?.close();
  });

  it('creates a source and a visit citing it, and gets the visit', async () => {
    const { source, visit, request } = await createSourceAndVisit(writer, `${run}-a`);
    assert.equal(source.name, `sources/${run}-a-source`);
    assert.equal(visit.name, `visits/${run}-a-visit`);
    assert.equal(visit.host_country, 'countries/MN');
    assert.equal(visit.visitor?.country, 'countries/UZ');
    assert.equal(visit.kind, 'VISIT_KIND_OFFICIAL');
    assert.deepEqual(visit.citations.map((c) => c.source), [source.name]);
    assert.ok(visit.etag, 'a created visit has an etag');
    assert.ok(visit.create_time && Number(visit.create_time.seconds) > 0);

    // A retry with the same request_id returns the first result.
    const retried = await writer.visits.createVisit(request);
    assert.equal(retried.name, visit.name);
    assert.equal(retried.etag, visit.etag);

    const got = await writer.visits.getVisit({ name: visit.name });
    assert.deepEqual(got, visit);
  });

  it('lists the visits to KZ one per page, each once', async () => {
    const filter = 'host_country = "KZ"';
    let pages = 0;
    /** @type {string[]} */
    const paged = [];
    // listAll fetches the pages; counting them here checks it went page by page.
    const countPages = async (/** @type {import('./generated/bilateral/v1/ListVisitsRequest').ListVisitsRequest} */ request) => {
      const page = await writer.visits.listVisits(request);
      pages += 1;
      assert.ok(page.visits.length <= 1, 'page_size 1 gives at most one visit a page');
      return page;
    };
    for await (const visit of listAll(countPages, { filter, page_size: 1 }, 'visits')) {
      assert.equal(visit.host_country, 'countries/KZ');
      paged.push(visit.name);
    }
    assert.equal(new Set(paged).size, paged.length, `no visit twice: ${paged}`);
    for (const seeded of ['visits/xi-jinping-kz-2013', 'visits/xi-jinping-kz-2022-09', 'visits/xi-jinping-kz-2024']) {
      assert.ok(paged.includes(seeded), `${seeded} listed`);
    }
    assert.ok(pages >= paged.length, `${pages} pages for ${paged.length} visits`);
    // The same visits, in the same order, as one page gives them.
    const whole = await writer.visits.listVisits({ filter, page_size: 1000 });
    assert.deepEqual(paged, whole.visits.map((v) => v.name));
    assert.equal(whole.next_page_token, '');
  });

  it('reads every field violation from grpc-status-details-bin', async () => {
    const error = await expectError(
      writer.visits.createVisit({
        visit: { visitor: { name: 'Nobody' }, host_country: 'not a country' },
        visit_id: `${run}-invalid`,
        request_id: `${run}-invalid-request`,
      }),
      grpc.status.INVALID_ARGUMENT,
    );
    assert.ok(error.metadata.get('grpc-status-details-bin')[0] instanceof Buffer);
    const details = errorDetails(error);
    assert.ok(details, 'the error carries a google.rpc.Status');
    assert.equal(details.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(details.message, error.details);
    const fields = details.fieldViolations.map((v) => v.field);
    for (const field of ['visit.visitor.country', 'visit.host_country', 'visit.start_date.year', 'visit.citations']) {
      assert.ok(fields.includes(field), `a violation of ${field} in ${JSON.stringify(fields)}`);
    }
    for (const violation of details.fieldViolations) assert.ok(violation.description, 'each says what is wrong');
    assert.equal(details.errorInfo?.reason, 'FIELD_VIOLATION');
    assert.equal(details.errorInfo?.domain, 'bilateral.v1');
  });

  it('sends the API key as a bearer token and checks its role', async () => {
    const name = 'visits/xi-jinping-kz-2024';
    await expectError(anonymous.visits.getVisit({ name }), grpc.status.UNAUTHENTICATED);
    const wrongKey = connect({ apiKey: 'not-a-key' });
    try {
      await expectError(wrongKey.visits.getVisit({ name }), grpc.status.UNAUTHENTICATED);
    } finally {
      wrongKey.close();
    }
    assert.equal((await reader.visits.getVisit({ name })).name, name);
    await expectError(
      reader.sources.createSource({
        source: { title: 'A reader may not write' },
        source_id: `${run}-denied`,
        request_id: `${run}-denied-request`,
      }),
      grpc.status.PERMISSION_DENIED,
    );
  });

  it('follows the change feed from now', async () => {
    // No cursor: the stream starts after the changes committed so far.
    const call = writer.changes.watchChanges({ collections: ['sources', 'visits'] });
    /** @type {WatchChangesResponse[]} */
    const responses = [];
    /** @type {grpc.ServiceError | undefined} */
    let streamError;
    /** @type {Promise<void>} */
    const ended = new Promise((resolve) => {
      call.on('error', (/** @type {grpc.ServiceError} */ error) => {
        if (error.code !== grpc.status.CANCELLED) streamError = error;
        resolve();
      });
      call.on('end', () => resolve());
    });
    call.on('data', (/** @type {WatchChangesResponse} */ response) => responses.push(response));

    /** @returns {ChangeEvent[]} */
    const events = () => responses.flatMap((r) => r.events);
    // Only this test's records: other writers may share the server.
    const created = () =>
      events()
        .filter((e) => e.kind === 'CHANGE_KIND_CREATED' && e.name.includes(`${run}-b-`))
        .map((e) => e.name);

    let names = /** @type {string[]} */ ([]);
    try {
      // The server sends the initial metadata once the stream is live; every
      // change committed after that is delivered. A server that sends it
      // only with the first change gets a moment instead.
      await Promise.race([new Promise((resolve) => call.once('metadata', resolve)), sleep(1000)]);
      const { source, visit } = await createSourceAndVisit(writer, `${run}-b`);
      names = [source.name, visit.name];
      const deadline = Date.now() + 10000;
      while (created().length < 2 && !streamError && Date.now() < deadline) await sleep(20);
    } finally {
      call.cancel(); // the stream stays open until the client cancels it
      await ended;
    }

    assert.equal(streamError, undefined, `the stream failed: ${streamError?.message}`);
    assert.deepEqual(created(), names, 'the two CREATED events, in commit order');
    for (const response of responses) assert.ok(response.cursor, 'each message carries the cursor reached');
    const visitEvent = events().find((e) => e.name === names[1] && e.kind === 'CHANGE_KIND_CREATED');
    assert.ok(visitEvent?.cursor, 'each event carries a cursor');
    // The record arrives unpacked from its Any, its type URL in '@type'.
    const record = /** @type {{ '@type': string, name: string }} */ (/** @type {unknown} */ (visitEvent.record));
    assert.equal(record['@type'], 'type.googleapis.com/bilateral.v1.Visit');
    assert.equal(record.name, names[1]);
  });
});
