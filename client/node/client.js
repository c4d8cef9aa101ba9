'use strict';
// The bilateral.v1 API for Node.js. @grpc/proto-loader builds the service
// clients from the .proto files at run time; generate.sh writes their
// TypeScript types into generated/ from the same files with the same
// options, and the JSDoc types below refer to them.

const fs = require('node:fs');
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

/**
 * How proto-loader represents messages: field names as in the .proto files,
 * 64-bit integers and enums as strings, every field present, each Any
 * unpacked into its message with its type URL as `@type`. generate.sh
 * passes the same options to the type generator.
 * @type {protoLoader.Options}
 */
const loaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, json: true };

/** @typedef {import('./generated').ProtoGrpcType} ProtoGrpcType */
/** @typedef {import('./generated/google/rpc/BadRequest').BadRequest__Output} BadRequest */
/** @typedef {import('./generated/google/rpc/ErrorInfo').ErrorInfo__Output} ErrorInfo */

/**
 * A service client whose unary methods (lower camel case, e.g. `getVisit`)
 * return promises; streaming methods are those of grpc-js, and `stub` is the
 * grpc-js client itself.
 * @template C
 * @typedef {{
 *   [K in Exclude<keyof C, keyof grpc.Client> as K extends Uncapitalize<K & string> ? K : never]:
 *     C[K] extends (request: infer Request, callback: grpc.requestCallback<infer Response>) => grpc.ClientUnaryCall
 *       ? (request: Request, options?: grpc.CallOptions) => Promise<Response>
 *       : C[K]
 * } & { stub: C }} Promised
 */

const defaultProtoDir = path.resolve(__dirname, '..', '..', 'proto');

/**
 * The folder of the .proto files: the argument, else BILATERAL_PROTO_DIR,
 * else the repository's proto/.
 * @param {string} [protoDir]
 * @returns {string}
 */
function resolveProtoDir(protoDir) {
  return protoDir || process.env.BILATERAL_PROTO_DIR || defaultProtoDir;
}

/**
 * The .proto files of the API, relative to `protoDir`: every file of
 * bilateral/v1 and the google/rpc error details.
 * @param {string} [protoDir]
 * @returns {string[]}
 */
function protoFiles(protoDir) {
  const root = resolveProtoDir(protoDir);
  const files = [];
  for (const folder of ['bilateral/v1', 'google/rpc']) {
    for (const name of fs.readdirSync(path.join(root, folder)).sort()) {
      if (name.endsWith('.proto')) files.push(`${folder}/${name}`);
    }
  }
  return files;
}

/** @type {Map<string, ProtoGrpcType>} */
const loadedApis = new Map();

/**
 * Loads every message, enum and service client constructor of the API,
 * once per folder.
 * Throws when a .proto file cannot be read or parsed.
 * @param {string} [protoDir]
 * @returns {ProtoGrpcType}
 */
function loadApi(protoDir) {
  const root = resolveProtoDir(protoDir);
  let api = loadedApis.get(root);
  if (!api) {
    const definition = protoLoader.loadSync(protoFiles(root), { ...loaderOptions, includeDirs: [root] });
    api = /** @type {ProtoGrpcType} */ (/** @type {unknown} */ (grpc.loadPackageDefinition(definition)));
    loadedApis.set(root, api);
  }
  return api;
}

/**
 * Sends the API key as `authorization: Bearer <key>` on every call.
 * @param {string} apiKey
 * @returns {grpc.Interceptor}
 */
function bearerInterceptor(apiKey) {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${apiKey}`);
        next(metadata, listener);
      },
    });
}

/**
 * Gives each unary call without a deadline of its own one `timeoutMs` away;
 * streams (such as WatchChanges) stay open as long as the caller wants.
 * @param {number} timeoutMs
 * @returns {grpc.Interceptor}
 */
function deadlineInterceptor(timeoutMs) {
  return (options, nextCall) => {
    const method = options.method_definition;
    const streaming = method.requestStream || method.responseStream;
    return new grpc.InterceptingCall(
      nextCall(options.deadline || streaming ? options : { ...options, deadline: Date.now() + timeoutMs }),
    );
  };
}

/**
 * Wraps a grpc-js client so that its unary methods return promises.
 * @template {grpc.Client} C
 * @param {C} client
 * @returns {Promised<C>}
 */
function promised(client) {
  const methods = /** @type {any} */ (client);
  const service = /** @type {grpc.ServiceDefinition} */ (
    /** @type {any} */ (client.constructor).service
  );
  /** @type {Record<string, unknown>} */
  const wrapped = { stub: client };
  for (const definition of Object.values(service)) {
    const name = /** @type {string} */ (definition.originalName);
    wrapped[name] =
      definition.requestStream || definition.responseStream
        ? methods[name].bind(client)
        : (/** @type {unknown} */ request, /** @type {grpc.CallOptions} */ options = {}) =>
            new Promise((resolve, reject) => {
              methods[name](request, options, (/** @type {Error|null} */ error, /** @type {unknown} */ response) =>
                error ? reject(error) : resolve(response),
              );
            });
  }
  return /** @type {Promised<C>} */ (/** @type {unknown} */ (wrapped));
}

/**
 * @typedef {object} ConnectOptions
 * @property {string} [endpoint] `host:port`; default BILATERAL_ENDPOINT, else `127.0.0.1:50051`.
 * @property {string} [apiKey] Sent as `authorization: Bearer <key>`; default
 *   BILATERAL_API_KEY; an empty string sends no key.
 * @property {grpc.ChannelCredentials} [credentials] Default: plaintext.
 * @property {number} [timeoutMs] Deadline of each unary call that sets none; default 30000.
 * @property {string} [protoDir] Folder of the .proto files; see resolveProtoDir.
 */

/**
 * Opens one channel to the server and returns a client of every service on
 * it. Nothing is sent until the first call; `close()` closes the channel.
 * @param {ConnectOptions} [options]
 */
function connect(options = {}) {
  const api = loadApi(options.protoDir).bilateral.v1;
  const endpoint = options.endpoint || process.env.BILATERAL_ENDPOINT || '127.0.0.1:50051';
  const apiKey = options.apiKey ?? process.env.BILATERAL_API_KEY ?? '';
  const credentials = options.credentials || grpc.credentials.createInsecure();
  const interceptors = [deadlineInterceptor(options.timeoutMs ?? 30000)];
  if (apiKey) interceptors.push(bearerInterceptor(apiKey));
  const first = new api.SourceService(endpoint, credentials, { interceptors });
  const shared = { interceptors, channelOverride: first.getChannel() };
  return {
    sources: promised(first),
    visits: promised(new api.VisitService(endpoint, credentials, shared)),
    partnerships: promised(new api.PartnershipService(endpoint, credentials, shared)),
    tradeRecords: promised(new api.TradeRecordService(endpoint, credentials, shared)),
    infrastructureProjects: promised(new api.InfrastructureProjectService(endpoint, credentials, shared)),
    exchanges: promised(new api.ExchangeService(endpoint, credentials, shared)),
    observations: promised(new api.ObservationService(endpoint, credentials, shared)),
    countries: promised(new api.CountryService(endpoint, credentials, shared)),
    relationships: promised(new api.RelationshipService(endpoint, credentials, shared)),
    findings: promised(new api.FindingService(endpoint, credentials, shared)),
    search: promised(new api.SearchService(endpoint, credentials, shared)),
    changes: promised(new api.ChangeService(endpoint, credentials, shared)),
    close() {
      first.close();
    },
  };
}

/**
 * Yields every item of a List method, page after page, fetching the next
 * page as the loop advances. A failed page throws its grpc.ServiceError.
 * @template {{ page_token?: string }} Request
 * @template {string} Field
 * @template {{ next_page_token: string } & { [K in Field]: unknown[] }} Response
 * @param {(request: Request) => Promise<Response>} list e.g. `client.visits.listVisits`
 * @param {Request} request The first page's request (filter, order_by, page_size).
 * @param {Field} field The response's repeated field, e.g. `'visits'`.
 * @returns {AsyncGenerator<Response[Field][number]>}
 */
async function* listAll(list, request, field) {
  let page_token = request.page_token || '';
  do {
    const page = await list({ ...request, page_token });
    yield* /** @type {Array<Response[Field][number]>} */ (page[field]);
    page_token = page.next_page_token;
  } while (page_token);
}

/** @type {Map<string, protobuf.Root>} */
const statusRoots = new Map();

/**
 * The google.rpc messages of the status details, parsed once per folder.
 * @param {string} protoDir
 */
function statusRoot(protoDir) {
  let root = statusRoots.get(protoDir);
  if (!root) {
    root = new protobuf.Root();
    // google/protobuf/any.proto is built into protobufjs.
    root.resolvePath = (_origin, target) => path.join(protoDir, target);
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
    statusRoots.set(protoDir, root);
  }
  return root;
}

/**
 * @typedef {object} ErrorDetails
 * @property {number} code The canonical code.
 * @property {string} message
 * @property {BadRequest['field_violations']} fieldViolations Every field
 *   violation of the request (from google.rpc.BadRequest); empty when none.
 * @property {ErrorInfo | undefined} errorInfo The reason and domain.
 * @property {Array<{ '@type': string }>} details Every detail, decoded; `@type`
 *   is its type URL.
 */

/**
 * Decodes the google.rpc.Status that the server sends in the
 * `grpc-status-details-bin` trailer of a failed call. Returns undefined when
 * the error carries none (e.g. a deadline the client enforced).
 * @param {unknown} error A grpc.ServiceError.
 * @param {string} [protoDir]
 * @returns {ErrorDetails | undefined}
 */
function errorDetails(error, protoDir) {
  const metadata = /** @type {grpc.ServiceError} */ (error)?.metadata;
  const bytes = metadata instanceof grpc.Metadata ? metadata.get('grpc-status-details-bin')[0] : undefined;
  if (!(bytes instanceof Buffer)) return undefined;
  const Status = statusRoot(resolveProtoDir(protoDir)).lookupType('google.rpc.Status');
  // `json` unpacks each Any into its message, with its type URL as `@type`.
  const status = Status.toObject(Status.decode(bytes), {
    longs: String, enums: String, defaults: true, arrays: true, json: true,
  });
  /** @type {Array<{ '@type': string } & Record<string, any>>} */
  const details = status.details;
  const find = (/** @type {string} */ type) => details.find((d) => d['@type'].endsWith(`/${type}`));
  return {
    code: status.code,
    message: status.message,
    fieldViolations: find('google.rpc.BadRequest')?.field_violations ?? [],
    errorInfo: /** @type {ErrorInfo | undefined} */ (find('google.rpc.ErrorInfo')),
    details,
  };
}

module.exports = {
  grpc,
  loaderOptions,
  resolveProtoDir,
  protoFiles,
  loadApi,
  connect,
  listAll,
  errorDetails,
};
