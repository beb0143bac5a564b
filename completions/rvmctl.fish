# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rvmctl_global_optspecs
    string join \n f/config= o/output= no-color v/verbose q/quiet context= n/namespace= h/help V/version
end

function __fish_rvmctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rvmctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rvmctl_using_subcommand
    set -l cmd (__fish_rvmctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rvmctl -n "__fish_rvmctl_needs_command" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_needs_command" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_needs_command" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_needs_command" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_needs_command" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -s V -l version -d 'Print version'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "plan" -d 'Show what a deploy would do, without changing anything'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "apply" -d 'Execute a saved plan exactly (refused if the targets changed since)'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "deploy" -d 'Plan and apply in one step, after confirmation'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "status" -d 'Live color, versions per color, health, last deploy and lock per unit'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "analysis" -d 'Evaluate the analyses (metric triggers) now, without deploying'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "promote" -d 'Continue a canary rollout paused at a step (`pause: manual`)'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "rollback" -d 'Switch back to the previous color instantly (no restaging)'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "resume" -d 'Continue an interrupted deploy (from the journal on the targets)'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "abort" -d 'Return units an interrupted run switched to their pre-run color'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "lock" -d 'List or break locks'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "host" -d 'Bring hosts into the fleet and take them out: check, bootstrap, uninstall'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "history" -d 'Deploy and rollback history, read from the targets themselves'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "adopt" -d 'Make an existing Deployment + Service (kubernetes) the blue color of rvmctl'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "config" -d 'Validate or show the configuration'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "completion" -d 'Print shell completions'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "man" -d 'Write man pages (used by `make man`)'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "releases" -d 'List the GitHub Releases of global.github.repository by semantic version'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "update" -d 'Check which units run an older version than the newest GitHub release'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "version" -d 'Version, git commit, build date and target of this binary'
complete -c rvmctl -n "__fish_rvmctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -l version -d 'Version to deploy (`latest`: the newest GitHub release by semver)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -l out -d 'Also save the plan as JSON for `rvmctl apply`' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -l dry-run -d 'Kubernetes targets: send every write as a server-side dry run (nothing changes)' -r -f -a "server\t'Send every write with dryRun=All: the API server validates and admits it, nothing is persisted'"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -l wait-for-window -d 'Outside the deployment window, wait for it to open instead of refusing (countdown on stderr; Ctrl-C stops, exit 130); with MAX (e.g. 8h), refuse at once (exit 3) when it opens later than that' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l version -d 'Version to deploy (`latest`: the newest GitHub release by semver; `from:ENV`: exactly the build live and healthy in ENV)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l dry-run -d 'Kubernetes targets: send every write as a server-side dry run (nothing changes)' -r -f -a "server\t'Send every write with dryRun=All: the API server validates and admits it, nothing is persisted'"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l until-converged -d 'Keep retrying units that could not be reached (pending) with backoff (5s doubling to 60s) until every unit converges or DURATION has passed, e.g. 2h' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l wait-for-window -d 'Outside the deployment window, wait for it to open instead of refusing (countdown on stderr; Ctrl-C stops, exit 130); with MAX (e.g. 8h), refuse at once (exit 3) when it opens later than that' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s w -l watch -d 'Keep watching: redraw the status in place every INTERVAL at a terminal (default 2s); without one, print one line per change (JSON lines with -o json). Ctrl-C stops watching; nothing is touched' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -l filter -d 'Only units matching KEY=VALUE (repeatable, all must match): version=V, color=blue|green, health=H, state=behind|interrupted|locked|unreachable|unhealthy|started' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -l no-health -d 'Skip probing the live color\'s health checks and evaluating its analyses'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -f -a "run" -d 'Evaluate every analysis on every unit\'s live color now, without deploying'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and not __fish_seen_subcommand_from run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from help" -f -a "run" -d 'Evaluate every analysis on every unit\'s live color now, without deploying'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand analysis; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l version -d 'Version to promote (default: the one the paused rollout deploys)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l all -d 'Go through every remaining canary step without pausing'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand promote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand rollback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand abort" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -f -a "list" -d 'Who holds which lock, per unit'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -f -a "release" -d 'Break locks left by a run that is gone (ends its holder process on the host)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and not __fish_seen_subcommand_from list release help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -l force -d 'Really break the locks'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "list" -d 'Who holds which lock, per unit'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "release" -d 'Break locks left by a run that is gone (ends its holder process on the host)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand lock; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -f -a "check" -d 'Check each host\'s prerequisites (ssh, base_dir, disk, commands, arch, clock), with the fix for each failure'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -f -a "bootstrap" -d 'Prepare hosts for their first deploy: base and state dirs, systemd units (idempotent)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -f -a "uninstall" -d 'Take hosts out: stop both colors, keep a backup of history and config, remove slots and units'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and not __fish_seen_subcommand_from check bootstrap uninstall help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -l version -d 'Size the disk check for this version\'s artifact (default: the host\'s largest slot)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l hosts -d 'Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l shard -d 'Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from bootstrap" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -l hosts -d 'The hosts to take out, e.g. --hosts rvm-041,rvm-042 (required: never a whole environment by default)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -l purge -d 'Keep no backup of the state dir and config files'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s y -l yes -d 'Proceed without typing the host count (needed without a terminal)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check each host\'s prerequisites (ssh, base_dir, disk, commands, arch, clock), with the fix for each failure'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "bootstrap" -d 'Prepare hosts for their first deploy: base and state dirs, systemd units (idempotent)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Take hosts out: stop both colors, keep a backup of history and config, remove slots and units'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand host; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -l limit -d 'Show at most this many runs (with --units: entries), newest first' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -l since -d 'With --stats: how far back to look, e.g. 12h, 30d, 2w' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -l units -d 'One row per unit instead of one per run'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -l stats -d 'Delivery figures instead of the runs: deploys, change failure rate, time to restore'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -l deployment -d 'The existing Deployment to adopt (default: the app\'s name)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -l target -d 'The kubernetes target to adopt into (default: the environment\'s only one)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -l approver -d 'Who approves (default: $GITHUB_ACTOR, then the OS user); checked against `approvers`' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -l ignore-window -d 'Deploy outside the deployment window; the reason is recorded in history and the audit log' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s y -l yes -d 'Answer yes to confirmations (never to a production approval; see --approve)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -l approve -d 'Approve an approval-gated environment without a prompt (CI)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand adopt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -f -a "validate" -d 'Check the config; every problem is reported with file, line and column'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -f -a "view" -d 'Show the fully resolved config (defaults applied, secrets redacted)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -f -a "schema" -d 'Print the JSON Schema of deployment-config.yaml (for editors)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and not __fish_seen_subcommand_from validate view schema help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from view" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from schema" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check the config; every problem is reported with file, line and column'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "view" -d 'Show the fully resolved config (defaults applied, secrets redacted)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "schema" -d 'Print the JSON Schema of deployment-config.yaml (for editors)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -l repo -d 'Repository as owner/name (default: global.github.repository)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -l limit -d 'Show only the N newest' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand releases" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Compare what is live on each unit with the newest GitHub release'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -s e -l env -d 'Environment (as named under `environments:`); asked for at a terminal when omitted' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from help" -f -a "check" -d 'Compare what is live on each unit with the newest GitHub release'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand update; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -s f -l config -d 'Config file' -r -F
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -s o -l output -d 'Output format for data on stdout' -r -f -a "table\t'Human-readable table'
wide\t'Table with more columns'
json\t''
yaml\t''"
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -l context -d 'Kubernetes targets: kubeconfig context to use (overrides the target\'s `context:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -s n -l namespace -d 'Kubernetes targets: namespace (overrides the target\'s `namespace:`)' -r
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -l no-color -d 'Never use colors (NO_COLOR is honoured too)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -s v -l verbose -d 'More detail (-v: step output; -vv: debug logs)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -s q -l quiet -d 'Only errors on stderr'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "plan" -d 'Show what a deploy would do, without changing anything'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "apply" -d 'Execute a saved plan exactly (refused if the targets changed since)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "deploy" -d 'Plan and apply in one step, after confirmation'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "status" -d 'Live color, versions per color, health, last deploy and lock per unit'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "analysis" -d 'Evaluate the analyses (metric triggers) now, without deploying'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "promote" -d 'Continue a canary rollout paused at a step (`pause: manual`)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "rollback" -d 'Switch back to the previous color instantly (no restaging)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "resume" -d 'Continue an interrupted deploy (from the journal on the targets)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "abort" -d 'Return units an interrupted run switched to their pre-run color'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "lock" -d 'List or break locks'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "host" -d 'Bring hosts into the fleet and take them out: check, bootstrap, uninstall'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "history" -d 'Deploy and rollback history, read from the targets themselves'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "adopt" -d 'Make an existing Deployment + Service (kubernetes) the blue color of rvmctl'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "config" -d 'Validate or show the configuration'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "completion" -d 'Print shell completions'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "man" -d 'Write man pages (used by `make man`)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "releases" -d 'List the GitHub Releases of global.github.repository by semantic version'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "update" -d 'Check which units run an older version than the newest GitHub release'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "version" -d 'Version, git commit, build date and target of this binary'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and not __fish_seen_subcommand_from plan apply deploy status analysis promote rollback resume abort lock host history adopt config completion man releases update version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from analysis" -f -a "run" -d 'Evaluate every analysis on every unit\'s live color now, without deploying'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "list" -d 'Who holds which lock, per unit'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from lock" -f -a "release" -d 'Break locks left by a run that is gone (ends its holder process on the host)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "check" -d 'Check each host\'s prerequisites (ssh, base_dir, disk, commands, arch, clock), with the fix for each failure'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "bootstrap" -d 'Prepare hosts for their first deploy: base and state dirs, systemd units (idempotent)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from host" -f -a "uninstall" -d 'Take hosts out: stop both colors, keep a backup of history and config, remove slots and units'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "validate" -d 'Check the config; every problem is reported with file, line and column'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "view" -d 'Show the fully resolved config (defaults applied, secrets redacted)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "schema" -d 'Print the JSON Schema of deployment-config.yaml (for editors)'
complete -c rvmctl -n "__fish_rvmctl_using_subcommand help; and __fish_seen_subcommand_from update" -f -a "check" -d 'Compare what is live on each unit with the newest GitHub release'
