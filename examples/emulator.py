"""A tiny Cognito user pools emulator: a standard-library WSGI app on cognito-spec's sans-IO layer.

    python examples/emulator.py        # then: boto3.client("cognito-idp", endpoint_url="http://127.0.0.1:9229")

parse_request() routes and validates exactly as the service does (UnknownOperationException,
SerializationException, InvalidParameterException with the service's message); the handler only
decides what the answer is; render_response() and render_error() write it as the service would.
"""

from http import HTTPStatus
from wsgiref.simple_server import make_server
from wsgiref.types import StartResponse, WSGIEnvironment

from cognito_spec import (
    AdminGetUserRequest,
    AdminGetUserResponse,
    AttributeType,
    GetUserAuthFactorsRequest,
    GetUserAuthFactorsResponse,
    GetUserRequest,
    GetUserResponse,
    InternalErrorException,
    NotAuthorizedException,
    ServiceError,
    UserNotFoundException,
    parse_request,
    render_error,
    render_response,
)
from cognito_spec.protocol.server import Request, Response

USERS = {"alice": (AttributeType(name="email", value="alice@example.com"),)}
TOKENS = {"alice-access-token": "alice"}  # access token -> user name


def handle(request: Request) -> Response:
    if isinstance(request, AdminGetUserRequest):
        if request.username not in USERS:
            raise UserNotFoundException("User does not exist.")
        attributes = USERS[request.username]
        return AdminGetUserResponse(username=request.username, user_attributes=attributes, enabled=True)
    if not isinstance(request, GetUserRequest | GetUserAuthFactorsRequest):
        raise InternalErrorException("not emulated")  # an operation this emulator does not implement
    user = TOKENS.get(request.access_token)
    if user is None:
        raise NotAuthorizedException("Invalid Access Token")
    if isinstance(request, GetUserRequest):
        return GetUserResponse(username=user, user_attributes=USERS[user])
    return GetUserAuthFactorsResponse(username=user, configured_user_auth_factors=("PASSWORD",))


def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    headers = [(k[5:].replace("_", "-"), v) for k, v in environ.items() if k.startswith("HTTP_")]
    headers.append(("Content-Type", environ.get("CONTENT_TYPE", "")))
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    try:
        status, out_headers, out = render_response(handle(parse_request(headers, body).request))
    except ServiceError as exc:
        status, out_headers, out = render_error(exc)
    start_response(f"{status} {HTTPStatus(status).phrase}", out_headers)
    return [out]


if __name__ == "__main__":
    make_server("127.0.0.1", 9229, app).serve_forever()
