"""Iterating over every page of a List call."""


def _is_repeated(field):
    """Whether a FieldDescriptor is a repeated field: `is_repeated` from
    newer protobuf releases (7.x has no `label`), `label` before."""
    is_repeated = getattr(field, "is_repeated", None)
    if is_repeated is not None:
        return is_repeated
    return field.label == field.LABEL_REPEATED


def list_all(method, request, **call_kwargs):
    """Yields every item of a List call, page after page.

    `method` is a stub's List method (e.g. `stub.ListVisits`); `request` its
    request, whose page_size, filter and order_by hold for every page and
    which is left unchanged. Keyword arguments (timeout, metadata) go to
    every call. A failed call raises grpc.RpcError after the items of the
    pages before it.
    """
    request = type(request).FromString(request.SerializeToString())
    while True:
        response = method(request, **call_kwargs)
        # A List response holds one repeated field of records besides
        # next_page_token.
        (items_field,) = [field for field in response.DESCRIPTOR.fields if _is_repeated(field)]
        yield from getattr(response, items_field.name)
        if not response.next_page_token:
            return
        request.page_token = response.next_page_token
