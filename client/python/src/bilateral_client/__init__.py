"""Helpers for calling the bilateral.v1 API from Python.

Importing this package puts the generated modules (client/python/generate.sh)
first on sys.path, so that afterwards `from bilateral.v1 import visit_pb2`
and `from google.rpc import error_details_pb2` load the project's own code.
"""

from bilateral_client.generated import GENERATED_DIR, use_generated_code

use_generated_code()

from bilateral_client.channel import auth_metadata, connect, with_api_key  # noqa: E402
from bilateral_client.errors import error_info, field_violations, status_details  # noqa: E402
from bilateral_client.pages import list_all  # noqa: E402

__all__ = [
    "GENERATED_DIR",
    "auth_metadata",
    "connect",
    "error_info",
    "field_violations",
    "list_all",
    "status_details",
    "use_generated_code",
    "with_api_key",
]
