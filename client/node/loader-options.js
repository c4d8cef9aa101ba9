'use strict';

/**
 * How messages are represented: field names as in the .proto files, 64-bit
 * integers and enums as strings, every field present, each Any unpacked
 * into its message with its type URL as `@type`. generate.sh passes the
 * same options to the type generator.
 * @type {import('@grpc/proto-loader').Options}
 */
const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, json: true };

module.exports = { loaderOptions };
