/**
 * The signing secret the sandbox uses when SLACK_SIGNING_SECRET is not set. It protects nothing:
 * it only lets the sandbox verify signatures exactly as production does. Never deploy with it.
 */
export const DEV_SIGNING_SECRET = 'ec2ops-sandbox-signing-secret-not-for-production';
