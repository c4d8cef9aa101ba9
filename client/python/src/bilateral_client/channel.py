"""Channels that send the API key with every call."""

import collections
import os

import grpc

DEFAULT_ENDPOINT = "127.0.0.1:50051"


def auth_metadata(api_key):
    """The metadata that authenticates a call: `authorization: Bearer <key>`."""
    return (("authorization", f"Bearer {api_key}"),)


class _CallDetails(
    collections.namedtuple(
        "_CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready", "compression")
    ),
    grpc.ClientCallDetails,
):
    pass


class _ApiKeyInterceptor(
    grpc.UnaryUnaryClientInterceptor,
    grpc.UnaryStreamClientInterceptor,
    grpc.StreamUnaryClientInterceptor,
    grpc.StreamStreamClientInterceptor,
):
    """Adds the authorization header to every call, of every kind."""

    def __init__(self, api_key):
        self._metadata = auth_metadata(api_key)

    def _details(self, details):
        metadata = tuple(details.metadata or ()) + self._metadata
        return _CallDetails(
            details.method,
            details.timeout,
            metadata,
            details.credentials,
            details.wait_for_ready,
            details.compression,
        )

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation, details, request_iterator):
        return continuation(self._details(details), request_iterator)

    def intercept_stream_stream(self, continuation, details, request_iterator):
        return continuation(self._details(details), request_iterator)


def with_api_key(channel, api_key):
    """Returns `channel` sending `api_key` with every call; `channel` itself
    when the key is empty. Use it on a grpc.secure_channel for TLS."""
    if not api_key:
        return channel
    return grpc.intercept_channel(channel, _ApiKeyInterceptor(api_key))


def connect(endpoint=None, api_key=None):
    """A plaintext channel to `endpoint` that authenticates with `api_key`.

    None reads BILATERAL_ENDPOINT (default 127.0.0.1:50051) and
    BILATERAL_API_KEY; an empty key sends none. Close the channel when done.
    """
    if endpoint is None:
        endpoint = os.environ.get("BILATERAL_ENDPOINT") or DEFAULT_ENDPOINT
    if api_key is None:
        api_key = os.environ.get("BILATERAL_API_KEY", "")
    return with_api_key(grpc.insecure_channel(endpoint), api_key)
