'use strict';
// The bilateral.v1 API for Node.js. generate.sh writes the API into
// generated/: every message, enum and service as a static protobufjs module
// (api.js), from which the grpc-js clients are built here, and their
// TypeScript types, which the JSDoc types below refer to. No .proto file is
// read at run time.

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const apiRoot = require('./generated/api.js');
const { loaderOptions } = require('./loader-options.js');

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

/** @type {ProtoGrpcType | undefined} */
let loadedApi;

/**
 * Every message, enum and service client constructor of the API, built
 * once from the generated module.
 * @returns {ProtoGrpcType}
 */
function loadApi() {
  if (!loadedApi) {
    const definition = protoLoader.fromJSON(apiRoot.toJSON(), loaderOptions);
    loadedApi = /** @type {ProtoGrpcType} */ (/** @type {unknown} */ (grpc.loadPackageDefinition(definition)));
  }
  return loadedApi;
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
 */

/**
 * Opens one channel to the server and returns a client of every service on
 * it. Nothing is sent until the first call; `close()` closes the channel.
 * @param {ConnectOptions} [options]
 */
function connect(options = {}) {
  const api = loadApi().bilateral.v1;
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
 * The messages are the standard googleapis ones (the google-proto-files
 * package's google/rpc), generated into the same module as the API.
 * @param {unknown} error A grpc.ServiceError.
 * @returns {ErrorDetails | undefined}
 */
function errorDetails(error) {
  const metadata = /** @type {grpc.ServiceError} */ (error)?.metadata;
  const bytes = metadata instanceof grpc.Metadata ? metadata.get('grpc-status-details-bin')[0] : undefined;
  if (!(bytes instanceof Buffer)) return undefined;
  const Status = apiRoot.lookupType('google.rpc.Status');
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
  loadApi,
  connect,
  listAll,
  errorDetails,
};
