#compdef rvmctl

autoload -U is-at-least

_rvmctl() {
    typeset -A opt_args
    typeset -a _arguments_options
    local ret=1

    if is-at-least 5.2; then
        _arguments_options=(-s -S -C)
    else
        _arguments_options=(-s -C)
    fi

    local context curcontext="$curcontext" state line
    _arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
'-V[Print version]' \
'--version[Print version]' \
":: :_rvmctl_commands" \
"*::: :->rvmctl" \
&& ret=0
    case $state in
    (rvmctl)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-command-$line[1]:"
        case $line[1] in
            (plan)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'--version=[Version to deploy (\`latest\`\: the newest GitHub release by semver)]:VERSION:_default' \
'--out=[Also save the plan as JSON for \`rvmctl apply\`]:OUT:_files' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(apply)
_arguments "${_arguments_options[@]}" : \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'--dry-run=[Kubernetes targets\: send every write as a server-side dry run (nothing changes)]:MODE:((server\:"Send every write with dryRun=All\: the API server validates and admits it, nothing is persisted"))' \
'(--ignore-window)--wait-for-window=[Outside the deployment window, wait for it to open instead of refusing (countdown on stderr; Ctrl-C stops, exit 130); with MAX (e.g. 8h), refuse at once (exit 3) when it opens later than that]::MAX:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':plan -- A plan saved with `rvmctl plan --out`:_files' \
&& ret=0
;;
(deploy)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'--version=[Version to deploy (\`latest\`\: the newest GitHub release by semver; \`from\:ENV\`\: exactly the build live and healthy in ENV)]:VERSION:_default' \
'--dry-run=[Kubernetes targets\: send every write as a server-side dry run (nothing changes)]:MODE:((server\:"Send every write with dryRun=All\: the API server validates and admits it, nothing is persisted"))' \
'--until-converged=[Keep retrying units that could not be reached (pending) with backoff (5s doubling to 60s) until every unit converges or DURATION has passed, e.g. 2h]:DURATION:_default' \
'(--ignore-window)--wait-for-window=[Outside the deployment window, wait for it to open instead of refusing (countdown on stderr; Ctrl-C stops, exit 130); with MAX (e.g. 8h), refuse at once (exit 3) when it opens later than that]::MAX:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'-w+[Keep watching\: redraw the status in place every INTERVAL at a terminal (default 2s); without one, print one line per change (JSON lines with -o json). Ctrl-C stops watching; nothing is touched]::INTERVAL:_default' \
'--watch=[Keep watching\: redraw the status in place every INTERVAL at a terminal (default 2s); without one, print one line per change (JSON lines with -o json). Ctrl-C stops watching; nothing is touched]::INTERVAL:_default' \
'*--filter=[Only units matching KEY=VALUE (repeatable, all must match)\: version=V, color=blue|green, health=H, state=behind|interrupted|locked|unreachable|unhealthy|started]:KEY=VALUE:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-health[Skip probing the live color'\''s health checks and evaluating its analyses]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(analysis)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_rvmctl__subcmd__analysis_commands" \
"*::: :->analysis" \
&& ret=0

    case $state in
    (analysis)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-analysis-command-$line[1]:"
        case $line[1] in
            (run)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__analysis__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-analysis-help-command-$line[1]:"
        case $line[1] in
            (run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(promote)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'--version=[Version to promote (default\: the one the paused rollout deploys)]:VERSION:_default' \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--all[Go through every remaining canary step without pausing]' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(rollback)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(resume)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(abort)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(lock)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_rvmctl__subcmd__lock_commands" \
"*::: :->lock" \
&& ret=0

    case $state in
    (lock)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-lock-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(release)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--force[Really break the locks]' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__lock__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-lock-help-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(release)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(host)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_rvmctl__subcmd__host_commands" \
"*::: :->host" \
&& ret=0

    case $state in
    (host)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-host-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'--version=[Size the disk check for this version'\''s artifact (default\: the host'\''s largest slot)]:VERSION:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(bootstrap)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[Only these hosts, e.g. --hosts rvm-001,rvm-002 (targets without any of them are left out)]:HOST,...:_default' \
'--shard=[Only shard K of N of the hosts (after --hosts), e.g. --shard 2/3 in a CI matrix\: hosts sorted by name and dealt round-robin; Kubernetes targets run in shard 1 only]:K/N:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(uninstall)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'*--hosts=[The hosts to take out, e.g. --hosts rvm-041,rvm-042 (required\: never a whole environment by default)]:HOST,...:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--purge[Keep no backup of the state dir and config files]' \
'-y[Proceed without typing the host count (needed without a terminal)]' \
'--yes[Proceed without typing the host count (needed without a terminal)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__host__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-host-help-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(bootstrap)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uninstall)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(history)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--limit=[Show at most this many runs (with --units\: entries), newest first]:LIMIT:_default' \
'--since=[With --stats\: how far back to look, e.g. 12h, 30d, 2w]:DURATION:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--units[One row per unit instead of one per run]' \
'(--limit --units)--stats[Delivery figures instead of the runs\: deploys, change failure rate, time to restore]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(adopt)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--deployment=[The existing Deployment to adopt (default\: the app'\''s name)]:DEPLOYMENT:_default' \
'--target=[The kubernetes target to adopt into (default\: the environment'\''s only one)]:TARGET:_default' \
'--approver=[Who approves (default\: \$GITHUB_ACTOR, then the OS user); checked against \`approvers\`]:NAME:_default' \
'--ignore-window=[Deploy outside the deployment window; the reason is recorded in history and the audit log]:REASON:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'-y[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--yes[Answer yes to confirmations (never to a production approval; see --approve)]' \
'--approve[Approve an approval-gated environment without a prompt (CI)]' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_rvmctl__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-config-command-$line[1]:"
        case $line[1] in
            (validate)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(view)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__config__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-config-help-command-$line[1]:"
        case $line[1] in
            (validate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(view)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(completion)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':shell -- Shell to generate completions for:(bash elvish fish powershell zsh)' \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
':dir -- Folder to write rvmctl.1 and rvmctl-<command>.1 into:_files' \
&& ret=0
;;
(releases)
_arguments "${_arguments_options[@]}" : \
'--repo=[Repository as owner/name (default\: global.github.repository)]:REPO:_default' \
'--limit=[Show only the N newest]:LIMIT:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(update)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
":: :_rvmctl__subcmd__update_commands" \
"*::: :->update" \
&& ret=0

    case $state in
    (update)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-update-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
'-e+[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'--env=[Environment (as named under \`environments\:\`); asked for at a terminal when omitted]:ENV:_default' \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__update__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-update-help-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
;;
(version)
_arguments "${_arguments_options[@]}" : \
'-f+[Config file]:CONFIG:_files' \
'--config=[Config file]:CONFIG:_files' \
'-o+[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--output=[Output format for data on stdout]:OUTPUT:((table\:"Human-readable table"
wide\:"Table with more columns"
json\:""
yaml\:""))' \
'--context=[Kubernetes targets\: kubeconfig context to use (overrides the target'\''s \`context\:\`)]:CONTEXT:_default' \
'-n+[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--namespace=[Kubernetes targets\: namespace (overrides the target'\''s \`namespace\:\`)]:NAMESPACE:_default' \
'--no-color[Never use colors (NO_COLOR is honoured too)]' \
'*-v[More detail (-v\: step output; -vv\: debug logs)]' \
'*--verbose[More detail (-v\: step output; -vv\: debug logs)]' \
'-q[Only errors on stderr]' \
'--quiet[Only errors on stderr]' \
'-h[Print help (see more with '\''--help'\'')]' \
'--help[Print help (see more with '\''--help'\'')]' \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__help_commands" \
"*::: :->help" \
&& ret=0

    case $state in
    (help)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-help-command-$line[1]:"
        case $line[1] in
            (plan)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(apply)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(deploy)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(status)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(analysis)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__help__subcmd__analysis_commands" \
"*::: :->analysis" \
&& ret=0

    case $state in
    (analysis)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-help-analysis-command-$line[1]:"
        case $line[1] in
            (run)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(promote)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(rollback)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(resume)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(abort)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(lock)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__help__subcmd__lock_commands" \
"*::: :->lock" \
&& ret=0

    case $state in
    (lock)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-help-lock-command-$line[1]:"
        case $line[1] in
            (list)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(release)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(host)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__help__subcmd__host_commands" \
"*::: :->host" \
&& ret=0

    case $state in
    (host)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-help-host-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(bootstrap)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(uninstall)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(history)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(adopt)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(config)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__help__subcmd__config_commands" \
"*::: :->config" \
&& ret=0

    case $state in
    (config)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-help-config-command-$line[1]:"
        case $line[1] in
            (validate)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(view)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(schema)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(completion)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(man)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(releases)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(update)
_arguments "${_arguments_options[@]}" : \
":: :_rvmctl__subcmd__help__subcmd__update_commands" \
"*::: :->update" \
&& ret=0

    case $state in
    (update)
        words=($line[1] "${words[@]}")
        (( CURRENT += 1 ))
        curcontext="${curcontext%:*:*}:rvmctl-help-update-command-$line[1]:"
        case $line[1] in
            (check)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
(version)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
(help)
_arguments "${_arguments_options[@]}" : \
&& ret=0
;;
        esac
    ;;
esac
;;
        esac
    ;;
esac
}

(( $+functions[_rvmctl_commands] )) ||
_rvmctl_commands() {
    local commands; commands=(
'plan:Show what a deploy would do, without changing anything' \
'apply:Execute a saved plan exactly (refused if the targets changed since)' \
'deploy:Plan and apply in one step, after confirmation' \
'status:Live color, versions per color, health, last deploy and lock per unit' \
'analysis:Evaluate the analyses (metric triggers) now, without deploying' \
'promote:Continue a canary rollout paused at a step (\`pause\: manual\`)' \
'rollback:Switch back to the previous color instantly (no restaging)' \
'resume:Continue an interrupted deploy (from the journal on the targets)' \
'abort:Return units an interrupted run switched to their pre-run color' \
'lock:List or break locks' \
'host:Bring hosts into the fleet and take them out\: check, bootstrap, uninstall' \
'history:Deploy and rollback history, read from the targets themselves' \
'adopt:Make an existing Deployment + Service (kubernetes) the blue color of rvmctl' \
'config:Validate or show the configuration' \
'completion:Print shell completions' \
'man:Write man pages (used by \`make man\`)' \
'releases:List the GitHub Releases of global.github.repository by semantic version' \
'update:Check which units run an older version than the newest GitHub release' \
'version:Version, git commit, build date and target of this binary' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__abort_commands] )) ||
_rvmctl__subcmd__abort_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl abort commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__adopt_commands] )) ||
_rvmctl__subcmd__adopt_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl adopt commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__analysis_commands] )) ||
_rvmctl__subcmd__analysis_commands() {
    local commands; commands=(
'run:Evaluate every analysis on every unit'\''s live color now, without deploying' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl analysis commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__analysis__subcmd__help_commands] )) ||
_rvmctl__subcmd__analysis__subcmd__help_commands() {
    local commands; commands=(
'run:Evaluate every analysis on every unit'\''s live color now, without deploying' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl analysis help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__analysis__subcmd__help__subcmd__help_commands] )) ||
_rvmctl__subcmd__analysis__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl analysis help help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__analysis__subcmd__help__subcmd__run_commands] )) ||
_rvmctl__subcmd__analysis__subcmd__help__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl analysis help run commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__analysis__subcmd__run_commands] )) ||
_rvmctl__subcmd__analysis__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl analysis run commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__apply_commands] )) ||
_rvmctl__subcmd__apply_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl apply commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__completion_commands] )) ||
_rvmctl__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl completion commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config_commands] )) ||
_rvmctl__subcmd__config_commands() {
    local commands; commands=(
'validate:Check the config; every problem is reported with file, line and column' \
'view:Show the fully resolved config (defaults applied, secrets redacted)' \
'schema:Print the JSON Schema of deployment-config.yaml (for editors)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl config commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__help_commands] )) ||
_rvmctl__subcmd__config__subcmd__help_commands() {
    local commands; commands=(
'validate:Check the config; every problem is reported with file, line and column' \
'view:Show the fully resolved config (defaults applied, secrets redacted)' \
'schema:Print the JSON Schema of deployment-config.yaml (for editors)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl config help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__help__subcmd__help_commands] )) ||
_rvmctl__subcmd__config__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl config help help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__help__subcmd__schema_commands] )) ||
_rvmctl__subcmd__config__subcmd__help__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl config help schema commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__help__subcmd__validate_commands] )) ||
_rvmctl__subcmd__config__subcmd__help__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl config help validate commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__help__subcmd__view_commands] )) ||
_rvmctl__subcmd__config__subcmd__help__subcmd__view_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl config help view commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__schema_commands] )) ||
_rvmctl__subcmd__config__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl config schema commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__validate_commands] )) ||
_rvmctl__subcmd__config__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl config validate commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__config__subcmd__view_commands] )) ||
_rvmctl__subcmd__config__subcmd__view_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl config view commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__deploy_commands] )) ||
_rvmctl__subcmd__deploy_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl deploy commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help_commands] )) ||
_rvmctl__subcmd__help_commands() {
    local commands; commands=(
'plan:Show what a deploy would do, without changing anything' \
'apply:Execute a saved plan exactly (refused if the targets changed since)' \
'deploy:Plan and apply in one step, after confirmation' \
'status:Live color, versions per color, health, last deploy and lock per unit' \
'analysis:Evaluate the analyses (metric triggers) now, without deploying' \
'promote:Continue a canary rollout paused at a step (\`pause\: manual\`)' \
'rollback:Switch back to the previous color instantly (no restaging)' \
'resume:Continue an interrupted deploy (from the journal on the targets)' \
'abort:Return units an interrupted run switched to their pre-run color' \
'lock:List or break locks' \
'host:Bring hosts into the fleet and take them out\: check, bootstrap, uninstall' \
'history:Deploy and rollback history, read from the targets themselves' \
'adopt:Make an existing Deployment + Service (kubernetes) the blue color of rvmctl' \
'config:Validate or show the configuration' \
'completion:Print shell completions' \
'man:Write man pages (used by \`make man\`)' \
'releases:List the GitHub Releases of global.github.repository by semantic version' \
'update:Check which units run an older version than the newest GitHub release' \
'version:Version, git commit, build date and target of this binary' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__abort_commands] )) ||
_rvmctl__subcmd__help__subcmd__abort_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help abort commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__adopt_commands] )) ||
_rvmctl__subcmd__help__subcmd__adopt_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help adopt commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__analysis_commands] )) ||
_rvmctl__subcmd__help__subcmd__analysis_commands() {
    local commands; commands=(
'run:Evaluate every analysis on every unit'\''s live color now, without deploying' \
    )
    _describe -t commands 'rvmctl help analysis commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__analysis__subcmd__run_commands] )) ||
_rvmctl__subcmd__help__subcmd__analysis__subcmd__run_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help analysis run commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__apply_commands] )) ||
_rvmctl__subcmd__help__subcmd__apply_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help apply commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__completion_commands] )) ||
_rvmctl__subcmd__help__subcmd__completion_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help completion commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__config_commands] )) ||
_rvmctl__subcmd__help__subcmd__config_commands() {
    local commands; commands=(
'validate:Check the config; every problem is reported with file, line and column' \
'view:Show the fully resolved config (defaults applied, secrets redacted)' \
'schema:Print the JSON Schema of deployment-config.yaml (for editors)' \
    )
    _describe -t commands 'rvmctl help config commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__config__subcmd__schema_commands] )) ||
_rvmctl__subcmd__help__subcmd__config__subcmd__schema_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help config schema commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__config__subcmd__validate_commands] )) ||
_rvmctl__subcmd__help__subcmd__config__subcmd__validate_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help config validate commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__config__subcmd__view_commands] )) ||
_rvmctl__subcmd__help__subcmd__config__subcmd__view_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help config view commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__deploy_commands] )) ||
_rvmctl__subcmd__help__subcmd__deploy_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help deploy commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__help_commands] )) ||
_rvmctl__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__history_commands] )) ||
_rvmctl__subcmd__help__subcmd__history_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help history commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__host_commands] )) ||
_rvmctl__subcmd__help__subcmd__host_commands() {
    local commands; commands=(
'check:Check each host'\''s prerequisites (ssh, base_dir, disk, commands, arch, clock), with the fix for each failure' \
'bootstrap:Prepare hosts for their first deploy\: base and state dirs, systemd units (idempotent)' \
'uninstall:Take hosts out\: stop both colors, keep a backup of history and config, remove slots and units' \
    )
    _describe -t commands 'rvmctl help host commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__host__subcmd__bootstrap_commands] )) ||
_rvmctl__subcmd__help__subcmd__host__subcmd__bootstrap_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help host bootstrap commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__host__subcmd__check_commands] )) ||
_rvmctl__subcmd__help__subcmd__host__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help host check commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__host__subcmd__uninstall_commands] )) ||
_rvmctl__subcmd__help__subcmd__host__subcmd__uninstall_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help host uninstall commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__lock_commands] )) ||
_rvmctl__subcmd__help__subcmd__lock_commands() {
    local commands; commands=(
'list:Who holds which lock, per unit' \
'release:Break locks left by a run that is gone (ends its holder process on the host)' \
    )
    _describe -t commands 'rvmctl help lock commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__lock__subcmd__list_commands] )) ||
_rvmctl__subcmd__help__subcmd__lock__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help lock list commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__lock__subcmd__release_commands] )) ||
_rvmctl__subcmd__help__subcmd__lock__subcmd__release_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help lock release commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__man_commands] )) ||
_rvmctl__subcmd__help__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help man commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__plan_commands] )) ||
_rvmctl__subcmd__help__subcmd__plan_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help plan commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__promote_commands] )) ||
_rvmctl__subcmd__help__subcmd__promote_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help promote commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__releases_commands] )) ||
_rvmctl__subcmd__help__subcmd__releases_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help releases commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__resume_commands] )) ||
_rvmctl__subcmd__help__subcmd__resume_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help resume commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__rollback_commands] )) ||
_rvmctl__subcmd__help__subcmd__rollback_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help rollback commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__status_commands] )) ||
_rvmctl__subcmd__help__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help status commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__update_commands] )) ||
_rvmctl__subcmd__help__subcmd__update_commands() {
    local commands; commands=(
'check:Compare what is live on each unit with the newest GitHub release' \
    )
    _describe -t commands 'rvmctl help update commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__update__subcmd__check_commands] )) ||
_rvmctl__subcmd__help__subcmd__update__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help update check commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__help__subcmd__version_commands] )) ||
_rvmctl__subcmd__help__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl help version commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__history_commands] )) ||
_rvmctl__subcmd__history_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl history commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host_commands] )) ||
_rvmctl__subcmd__host_commands() {
    local commands; commands=(
'check:Check each host'\''s prerequisites (ssh, base_dir, disk, commands, arch, clock), with the fix for each failure' \
'bootstrap:Prepare hosts for their first deploy\: base and state dirs, systemd units (idempotent)' \
'uninstall:Take hosts out\: stop both colors, keep a backup of history and config, remove slots and units' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl host commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__bootstrap_commands] )) ||
_rvmctl__subcmd__host__subcmd__bootstrap_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl host bootstrap commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__check_commands] )) ||
_rvmctl__subcmd__host__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl host check commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__help_commands] )) ||
_rvmctl__subcmd__host__subcmd__help_commands() {
    local commands; commands=(
'check:Check each host'\''s prerequisites (ssh, base_dir, disk, commands, arch, clock), with the fix for each failure' \
'bootstrap:Prepare hosts for their first deploy\: base and state dirs, systemd units (idempotent)' \
'uninstall:Take hosts out\: stop both colors, keep a backup of history and config, remove slots and units' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl host help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__help__subcmd__bootstrap_commands] )) ||
_rvmctl__subcmd__host__subcmd__help__subcmd__bootstrap_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl host help bootstrap commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__help__subcmd__check_commands] )) ||
_rvmctl__subcmd__host__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl host help check commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__help__subcmd__help_commands] )) ||
_rvmctl__subcmd__host__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl host help help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__help__subcmd__uninstall_commands] )) ||
_rvmctl__subcmd__host__subcmd__help__subcmd__uninstall_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl host help uninstall commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__host__subcmd__uninstall_commands] )) ||
_rvmctl__subcmd__host__subcmd__uninstall_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl host uninstall commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__lock_commands] )) ||
_rvmctl__subcmd__lock_commands() {
    local commands; commands=(
'list:Who holds which lock, per unit' \
'release:Break locks left by a run that is gone (ends its holder process on the host)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl lock commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__lock__subcmd__help_commands] )) ||
_rvmctl__subcmd__lock__subcmd__help_commands() {
    local commands; commands=(
'list:Who holds which lock, per unit' \
'release:Break locks left by a run that is gone (ends its holder process on the host)' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl lock help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__lock__subcmd__help__subcmd__help_commands] )) ||
_rvmctl__subcmd__lock__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl lock help help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__lock__subcmd__help__subcmd__list_commands] )) ||
_rvmctl__subcmd__lock__subcmd__help__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl lock help list commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__lock__subcmd__help__subcmd__release_commands] )) ||
_rvmctl__subcmd__lock__subcmd__help__subcmd__release_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl lock help release commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__lock__subcmd__list_commands] )) ||
_rvmctl__subcmd__lock__subcmd__list_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl lock list commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__lock__subcmd__release_commands] )) ||
_rvmctl__subcmd__lock__subcmd__release_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl lock release commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__man_commands] )) ||
_rvmctl__subcmd__man_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl man commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__plan_commands] )) ||
_rvmctl__subcmd__plan_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl plan commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__promote_commands] )) ||
_rvmctl__subcmd__promote_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl promote commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__releases_commands] )) ||
_rvmctl__subcmd__releases_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl releases commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__resume_commands] )) ||
_rvmctl__subcmd__resume_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl resume commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__rollback_commands] )) ||
_rvmctl__subcmd__rollback_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl rollback commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__status_commands] )) ||
_rvmctl__subcmd__status_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl status commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__update_commands] )) ||
_rvmctl__subcmd__update_commands() {
    local commands; commands=(
'check:Compare what is live on each unit with the newest GitHub release' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl update commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__update__subcmd__check_commands] )) ||
_rvmctl__subcmd__update__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl update check commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__update__subcmd__help_commands] )) ||
_rvmctl__subcmd__update__subcmd__help_commands() {
    local commands; commands=(
'check:Compare what is live on each unit with the newest GitHub release' \
'help:Print this message or the help of the given subcommand(s)' \
    )
    _describe -t commands 'rvmctl update help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__update__subcmd__help__subcmd__check_commands] )) ||
_rvmctl__subcmd__update__subcmd__help__subcmd__check_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl update help check commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__update__subcmd__help__subcmd__help_commands] )) ||
_rvmctl__subcmd__update__subcmd__help__subcmd__help_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl update help help commands' commands "$@"
}
(( $+functions[_rvmctl__subcmd__version_commands] )) ||
_rvmctl__subcmd__version_commands() {
    local commands; commands=()
    _describe -t commands 'rvmctl version commands' commands "$@"
}

if [ "$funcstack[1]" = "_rvmctl" ]; then
    _rvmctl "$@"
else
    compdef _rvmctl rvmctl
fi
