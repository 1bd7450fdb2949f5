function Join-HybridLogPath {
    # Joins with the separator the root is written with, so that a Windows server's folders (C:\...) read the same
    # on Linux, where Join-Path would add '/'.
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)] [string] $Root,
        [Parameter(Mandatory = $true)] [string[]] $ChildPath
    )
    $separator = [string][System.IO.Path]::DirectorySeparatorChar
    if ($Root.Contains('\') -and -not $Root.Contains('/')) {
        $separator = '\'
    }
    $Root.TrimEnd('\', '/') + $separator + ($ChildPath -join $separator)
}
