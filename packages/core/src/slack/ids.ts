/** A Slack user id (U… or, in Enterprise Grid, W…): who a tag names as owner, whom to DM. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
