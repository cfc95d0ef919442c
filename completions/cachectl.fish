# fish completion for cachectl.
#
# Install: cp cachectl.fish ~/.config/fish/completions/
#
# The candidates come from `cachectl __complete WORDS...` (the binary knows the
# API model and reads your state home); fish shows their descriptions.

function __cachectl_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l program $tokens[1]
    set -e tokens[1]
    command -q $program; or return
    set -l result (command $program __complete $tokens $current 2>/dev/null)
    switch "$result[1]"
        case ':files'
            __fish_complete_path $current
        case ':dirs'
            __fish_complete_directories $current
        case '*'
            printf '%s\n' $result
    end
end

complete -c cachectl -f -a '(__cachectl_complete)'
