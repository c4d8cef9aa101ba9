'use strict';
// Gets one visit, then lists the visits to Kazakhstan page by page.
// Run: BILATERAL_ENDPOINT=127.0.0.1:50051 BILATERAL_API_KEY=... node example.js

const { connect, errorDetails, listAll } = require('./client');

async function main() {
  // Reads BILATERAL_ENDPOINT and BILATERAL_API_KEY.
  const client = connect();
  try {
    const visit = await client.visits.getVisit({ name: 'visits/xi-jinping-kz-2024' });
    console.log(`${visit.name}: ${visit.visitor?.name} in ${visit.host_country}, ${visit.start_date?.year}`);

    const request = { filter: 'host_country = "KZ"', order_by: 'start_date', page_size: 2 };
    for await (const each of listAll(client.visits.listVisits, request, 'visits')) {
      console.log(`${each.start_date?.year}  ${each.name}  ${each.occasions.join('; ')}`);
    }
  } catch (error) {
    const details = errorDetails(error);
    console.error(details ? `${details.message}` : error);
    for (const violation of details?.fieldViolations ?? []) {
      console.error(`  ${violation.field}: ${violation.description}`);
    }
    process.exitCode = 1;
  } finally {
    client.close();
  }
}

main();
