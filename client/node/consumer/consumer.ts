// A TypeScript program of another project that depends on bilateral-client,
// as a service using the client would. test.sh installs the packed package
// into an empty project with npm, type-checks this file with tsc (strict)
// and runs it against a live server (BILATERAL_ENDPOINT, BILATERAL_API_KEY).
// It lists with a filter across pages, reads a field violation from the
// google.rpc.Status trailer, checks the API key and follows the change feed;
// it exits non-zero, saying what did not match, on any failure.
import { connect, errorDetails, grpc, listAll } from 'bilateral-client';

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(`consumer: ${what}`);
}

async function main(): Promise<void> {
  const client = connect(); // BILATERAL_ENDPOINT, BILATERAL_API_KEY
  const bare = connect({ apiKey: '' });
  try {
    // A filter across pages of one visit each.
    const names: string[] = [];
    const request = { filter: 'host_country = "KZ"', order_by: 'start_date', page_size: 1 };
    for await (const visit of listAll(client.visits.listVisits, request, 'visits')) {
      names.push(visit.name);
    }
    check(names.includes('visits/xi-jinping-kz-2024') && names.length >= 3, `visits to KZ: ${names}`);
    console.log(`listed ${names.length} visits to KZ, one a page`);

    // A field violation, decoded from the standard google.rpc messages.
    try {
      await client.visits.listVisits({ page_size: -1 });
      check(false, 'page_size -1 was accepted');
    } catch (error) {
      check((error as grpc.ServiceError).code === grpc.status.INVALID_ARGUMENT, `page_size -1: ${error}`);
      const details = errorDetails(error);
      check(details?.fieldViolations.map((v) => v.field).join() === 'page_size', 'no violation of page_size');
      check(details.errorInfo?.reason === 'FIELD_VIOLATION', `reason ${details.errorInfo?.reason}`);
    }
    console.log('page_size -1: INVALID_ARGUMENT, a google.rpc.BadRequest on page_size');

    // The API key: refused without it.
    try {
      await bare.visits.getVisit({ name: names[0] });
      check(false, 'a call without a key was answered');
    } catch (error) {
      check((error as grpc.ServiceError).code === grpc.status.UNAUTHENTICATED, `without a key: ${error}`);
    }
    console.log('without a key: UNAUTHENTICATED');

    // The change feed: sources created until one is seen on the stream.
    const call = client.changes.watchChanges({ collections: ['sources'] });
    const seen = new Set<string>();
    call.on('data', (response) => {
      for (const event of response.events) seen.add(event.name);
    });
    call.on('error', () => {}); // CANCELLED once done
    const run = `ts-consumer-${Date.now().toString(36)}`;
    let found = '';
    for (let attempt = 0; attempt < 20 && !found; attempt++) {
      const source = await client.sources.createSource({
        source_id: `${run}-${attempt}`,
        request_id: `${run}-${attempt}`,
        source: {
          title: 'TypeScript consumer probe', publisher: 'Test Gazette',
          kind: 'SOURCE_KIND_NEWS_ARTICLE', language: 'en', publication_date: { year: 2024 },
        },
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (seen.has(source.name)) found = source.name;
    }
    call.cancel();
    check(found, 'the change feed delivered none of the sources created');
    console.log(`change feed: ${found}`);
  } finally {
    client.close();
    bare.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
