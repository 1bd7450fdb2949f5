function Get-HybridCopiedServerName {
    # The server a copy of an Exchange folder came from: named by its logs, else by the copied folder itself
    # (D:\Case\CMEDGE01), unless that is Exchange's own version folder (V15).
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [string] $ExchangeInstallPath,

        [Parameter(Mandatory = $true)]
        [string] $Role
    )
    $folders = @(Get-HybridDefaultLogFolder -Role $Role | Sort-Object { $_.LogKind -ne 'SmtpReceive' } |
        ForEach-Object { Join-HybridLogPath -Root $ExchangeInstallPath -ChildPath $_.RelativePath })
    $name = Get-HybridLogServerName -Path $folders
    if ($name) {
        return $name
    }
    $leaf = Split-Path -Path $ExchangeInstallPath.TrimEnd('\', '/') -Leaf
    if ($leaf -and $leaf -notmatch '^V\d+$') {
        Write-Verbose "No log under $ExchangeInstallPath names its server; the folder's name $leaf is taken for it."
        return $leaf
    }
    Write-Verbose "No log under $ExchangeInstallPath names its server; this computer's name is given."
    [Environment]::MachineName
}
