# bash completion for cachectl.
#
# Install (either):
#   source /path/to/cachectl.bash                      # e.g. from ~/.bashrc
#   cp cachectl.bash ~/.local/share/bash-completion/completions/cachectl
#                                                      # bash-completion loads it on first use
#
# The candidates come from `cachectl __complete WORDS...` (the binary knows the
# API model and reads your state home), so this file stays small and never
# goes stale. Needs no bash-completion helpers.

_cachectl() {
    local line=${COMP_LINE:0:COMP_POINT}
    local -a words
    # Split on blanks only: bash's own COMP_WORDS would cut file://PATH at ':'.
    read -r -a words <<< "$line"
    if [[ $line =~ [[:space:]]$ || ${#words[@]} -eq 0 ]]; then
        words+=("")
    fi
    local cur=${words[${#words[@]} - 1]}
    local program=${words[0]/#\~/$HOME}

    local output
    output=$(command "$program" __complete "${words[@]:1}" 2>/dev/null) || return 0
    COMPREPLY=()
    [[ -n $output ]] || return 0
    case $output in
        :files) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
        :dirs) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
    esac
    local -a lines
    mapfile -t lines <<< "$output"
    COMPREPLY=("${lines[@]%%$'\t'*}")  # the values, without their descriptions

    # bash replaces only the part of the word after its last ':' or '=';
    # hand it candidates cut the same way.
    local breaks=${cur%"${cur##*[:=]}"}
    if [[ -n $breaks && $COMP_WORDBREAKS == *[:=]* ]]; then
        local i
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]=${COMPREPLY[i]#"$breaks"}
        done
    fi
    # A directory (file://dir/) goes on being completed: no space after it.
    if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -F _cachectl cachectl
