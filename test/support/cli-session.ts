import { vi } from 'vitest';

/** Variables that would make `job run` look past AWS_ENDPOINT_URL_EC2 or post to a real Slack. */
const CLEARED = ['AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'SLACK_BOT_TOKEN'];

/**
 * `ec2ops` run in process (its `main`) as from a shell whose standard AWS environment names an
 * EC2 endpoint: `begin` captures stdout and stderr into `out` and `err` and sets the
 * environment; `end` restores output, environment and exit code. One session per test.
 */
export class CliSession {
  out = '';
  err = '';
  private readonly savedEnv = { ...process.env };

  /** `accessKeyId` names the caller to an emulator that enforces IAM (a job's deployed name). */
  begin(ec2Endpoint: string, accessKeyId = 'AKIDTEST'): void {
    this.out = '';
    this.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      this.out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      this.err += String(chunk);
      return true;
    });
    for (const name of CLEARED) delete process.env[name];
    process.env.AWS_ENDPOINT_URL_EC2 = ec2Endpoint;
    // The emulator serves Auto Scaling (launch configurations, which the bake reads) on its EC2 port.
    process.env.AWS_ENDPOINT_URL_AUTO_SCALING = ec2Endpoint;
    process.env.AWS_ACCESS_KEY_ID = accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_REGION = 'us-east-1';
    process.exitCode = undefined;
  }

  end(): void {
    vi.restoreAllMocks();
    process.env = { ...this.savedEnv };
    process.exitCode = undefined;
  }
}
