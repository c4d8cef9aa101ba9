"""Reading the google.rpc.Status details of a failed call (AIP-193).

The messages are googleapis-common-protos' (`google.rpc.status_pb2`,
`google.rpc.error_details_pb2`) and the trailer is read by grpcio-status,
as in every other Python gRPC client, so errors can be handed to code that
expects them, such as google-api-core's exceptions.
"""

from google.rpc import error_details_pb2
from grpc_status import rpc_status


def status_details(error):
    """The google.rpc.Status in the `grpc-status-details-bin` trailer of a
    grpc.RpcError, or None when the error carries none."""
    if not hasattr(error, "trailing_metadata"):
        return None
    return rpc_status.from_call(error)


def _details_of_type(error, message_class):
    status = status_details(error)
    found = []
    for detail in status.details if status else ():
        if detail.Is(message_class.DESCRIPTOR):
            message = message_class()
            detail.Unpack(message)
            found.append(message)
    return found


def field_violations(error):
    """Every google.rpc.BadRequest field violation of a grpc.RpcError, as a
    list of (field, description) pairs; empty when there are none."""
    return [
        (violation.field, violation.description)
        for bad_request in _details_of_type(error, error_details_pb2.BadRequest)
        for violation in bad_request.field_violations
    ]


def error_info(error):
    """The google.rpc.ErrorInfo of a grpc.RpcError, or None."""
    infos = _details_of_type(error, error_details_pb2.ErrorInfo)
    return infos[0] if infos else None
