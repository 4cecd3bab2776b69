// Imports each subcommand module for its registration side effect. Add new subcommands here.
import './manifest';
import './job';
import './slack';
import './emulator';
import './sandbox';
import './iam';
