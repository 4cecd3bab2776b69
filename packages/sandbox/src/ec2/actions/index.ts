// Every action area registers its actions at import time. Add an area: one import here.
import './regions';
import './security-groups';
import './security-group-rules';
