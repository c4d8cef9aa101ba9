"""The bilateral.v1 API from Python.

The generated messages and stubs are the package `bilateral.v1`
(`from bilateral.v1 import visit_pb2, visit_pb2_grpc`); this package adds a
channel that sends the API key, paging over List calls, and the error
details of a failed call as googleapis-common-protos' google.rpc messages.
"""

from bilateral_client._version import __version__
from bilateral_client.channel import auth_metadata, connect, with_api_key
from bilateral_client.errors import error_info, field_violations, status_details
from bilateral_client.pages import list_all

__all__ = [
    "__version__",
    "auth_metadata",
    "connect",
    "error_info",
    "field_violations",
    "list_all",
    "status_details",
    "with_api_key",
]
