function Read-HybridLogServerName {
    # The server named by the first rows of one log file (see Get-HybridLogServerName); nothing when none does.
    [CmdletBinding()]
    param(
        [string] $LiteralPath
    )
    $reader = $null
    try {
        $reader = New-Object System.IO.StreamReader($LiteralPath, [System.Text.Encoding]::UTF8, $true)
        $fields = $null
        for ($i = 0; $i -lt 200; $i++) {
            $line = $reader.ReadLine()
            if ($null -eq $line) {
                break
            }
            if ($line.StartsWith('#Fields:')) {
                $fields = @($line.Substring(8).Trim().Split(','))
                continue
            }
            if ($line.StartsWith('#') -or -not $fields) {
                continue
            }
            # The columns read here come before any free text, so a plain split finds them.
            $values = $line.Split(',')
            $connector = [array]::IndexOf($fields, 'connector-id')
            $hostColumn = [array]::IndexOf($fields, 'server-hostname')
            $eventColumn = [array]::IndexOf($fields, 'event-id')
            if ($hostColumn -ge 0 -and $eventColumn -ge 0 -and $values.Count -gt [Math]::Max($hostColumn, $eventColumn)) {
                if ($values[$eventColumn] -in 'RECEIVE', 'SUBMIT', 'DELIVER' -and $values[$hostColumn]) {
                    return $values[$hostColumn].Split('.')[0]
                }
            } elseif ($hostColumn -lt 0 -and $connector -ge 0 -and $values.Count -gt $connector) {
                $id = $values[$connector].Trim('"')
                $slash = $id.IndexOf('\')
                if ($slash -gt 0) {
                    return $id.Substring(0, $slash).Split('.')[0]
                }
            }
        }
    } catch [System.IO.IOException] {
        Write-Verbose "$LiteralPath could not be read for its server name: $($_.Exception.Message)"
    } catch [System.UnauthorizedAccessException] {
        Write-Verbose "$LiteralPath could not be read for its server name: $($_.Exception.Message)"
    } finally {
        if ($reader) {
            $reader.Dispose()
        }
    }
}
