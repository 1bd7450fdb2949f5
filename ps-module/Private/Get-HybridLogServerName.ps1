function Get-HybridLogServerName {
    # The server that wrote the logs in these folders, read from the logs themselves: the server part of a receive
    # protocol log's connector-id (SERVER\Connector), else the server-hostname of a tracking log's RECEIVE, SUBMIT or
    # DELIVER row (on SEND and FAIL rows it is the next hop). Nothing when no log names it. The first label only, as
    # Exchange names its servers in connector ids.
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string[]] $Path
    )
    foreach ($folder in $Path) {
        if (-not (Test-Path -LiteralPath $folder -PathType Container)) {
            continue
        }
        $files = @(Get-ChildItem -LiteralPath $folder -File | Where-Object { $_.Extension -eq '.log' } | Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 3)
        foreach ($file in $files) {
            $name = Read-HybridLogServerName -LiteralPath $file.FullName
            if ($name) {
                return $name
            }
        }
    }
}
