// Drives the example emulator (examples/emulator.py) with the AWS SDK for JavaScript v3, as an app
// would: sign in with InitiateAuth, read the user, refresh, sign out; admin calls signed with dummies.
// Usage: node emulator_check.mjs <endpoint> <pool id> <client id> <expired access token>; prints one JSON object.
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";

const [endpoint, poolId, clientId, expired] = process.argv.slice(2);
const client = new CognitoIdentityProviderClient({
  endpoint,
  region: "eu-west-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" }, // dummies: the emulator checks the form only
  maxAttempts: 1,
});

async function outcome(command) {
  try {
    const out = await client.send(command);
    delete out.$metadata;
    return { ok: out };
  } catch (err) {
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, fault: err.$fault };
  }
}

const password = (PASSWORD) =>
  new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: "USER_PASSWORD_AUTH",
    AuthParameters: { USERNAME: "alice", PASSWORD },
  });
const signIn = await outcome(password("Correct-Horse-1"));
const tokens = signIn.ok.AuthenticationResult;
const refreshed = await outcome(
  new InitiateAuthCommand({
    ClientId: clientId,
    AuthFlow: "REFRESH_TOKEN_AUTH",
    AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken },
  }),
);
const result = {
  signIn: { expiresIn: tokens.ExpiresIn, tokenType: tokens.TokenType, hasRefreshToken: "RefreshToken" in tokens },
  wrongPassword: await outcome(password("wrong")),
  refreshed: { expiresIn: refreshed.ok.AuthenticationResult.ExpiresIn },
  getUser: await outcome(new GetUserCommand({ AccessToken: tokens.AccessToken })),
  expired: await outcome(new GetUserCommand({ AccessToken: expired })),
  invalid: await outcome(new GetUserCommand({ AccessToken: "not.a.token" })),
  adminGetUser: await outcome(new AdminGetUserCommand({ UserPoolId: poolId, Username: "alice" })),
  signOut: await outcome(new GlobalSignOutCommand({ AccessToken: tokens.AccessToken })),
};
result.revoked = await outcome(new GetUserCommand({ AccessToken: refreshed.ok.AuthenticationResult.AccessToken }));
process.stdout.write(JSON.stringify(result) + "\n");
