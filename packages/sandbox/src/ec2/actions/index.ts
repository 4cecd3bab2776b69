// Every action area registers its actions at import time. Add an area: one import here.
import './regions';
import './images';
import './snapshots';
import './instance-types';
import './run-instances';
import './describe-instances';
import './instance-lifecycle';
import './volumes';
import './tagging';
import './network';
import './internet-gateways';
import './key-pairs';
import './launch-templates';
import './security-groups';
import './security-group-rules';
import './addresses';
