/**
 * Slack credentials, set per stage with `sst secret set <Name> <value> --stage <stage>`.
 * Linked only to the functions that use them: the bot token to the slack function, the worker
 * and the jobs (replies, reports, DMs); the signing secret to the slack function and the worker
 * (request signatures, signed approval buttons). Never put in a function's `environment`: SST
 * encrypts linked values into the function's bundle, and the functions read them with its SDK
 * (packages/functions/src/secrets.ts).
 */
export const slackBotToken = new sst.Secret('SlackBotToken');
export const slackSigningSecret = new sst.Secret('SlackSigningSecret');
