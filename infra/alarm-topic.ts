/**
 * The stage's one alarm topic, in a file that imports nothing: alarms.ts publishes to it and the
 * worker (slack.ts) reads which alarms are open on it for `/ec2 status`, and alarms.ts imports
 * slack.ts, so the topic cannot live there without a cycle.
 */
export const alarmTopic = new sst.aws.SnsTopic('Alarms');
