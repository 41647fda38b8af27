// Drives the example emulator (examples/emulator.py) with the AWS SDK for JavaScript v3, as an app
// would: sign in through the emulator's own helper (plain fetch), then Cognito calls through the SDK.
// Usage: node emulator_check.mjs <endpoint> <expired access token>; prints one JSON object.
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";

const [endpoint, expired] = process.argv.slice(2);
const client = new CognitoIdentityProviderClient({
  endpoint,
  region: "eu-west-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" }, // dummies: only AdminGetUser is signed
  maxAttempts: 1,
});

async function post(path, body) {
  const response = await fetch(endpoint + path, { method: "POST", body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

async function outcome(command) {
  try {
    const out = await client.send(command);
    delete out.$metadata;
    return { ok: out };
  } catch (err) {
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, fault: err.$fault };
  }
}

const signIn = await post("/_emulator/sign-in", { Username: "alice", Password: "Correct-Horse-1" });
const token = signIn.body.AuthenticationResult.AccessToken;
const result = {
  signIn: { status: signIn.status, expiresIn: signIn.body.AuthenticationResult.ExpiresIn },
  getUser: await outcome(new GetUserCommand({ AccessToken: token })),
  expired: await outcome(new GetUserCommand({ AccessToken: expired })),
  invalid: await outcome(new GetUserCommand({ AccessToken: "not.a.token" })),
  adminGetUser: await outcome(new AdminGetUserCommand({ UserPoolId: "eu-west-1_Example01", Username: "alice" })),
};
result.signOut = (await post("/_emulator/sign-out", { AccessToken: token })).status;
result.revoked = await outcome(new GetUserCommand({ AccessToken: token }));
process.stdout.write(JSON.stringify(result) + "\n");
