function Export-HybridCsv {
    <#
    .SYNOPSIS
        Writes objects to a CSV file that a spreadsheet opens as text: no cell of it runs as a formula.

    .DESCRIPTION
        Export-Csv, with every cell that a spreadsheet would take for a formula made plain text. The values of our
        objects come from remote parties: an EHLO name, a MAIL FROM, a recipient, a reply or a subject can begin
        with =, +, -, @, a tab or a carriage return, and Excel or LibreOffice would run such a cell as a formula
        when the file is opened (CWE-1236, CSV injection: =HYPERLINK(...), =cmd|'/C ...'!A0). Such a cell is
        written with a single quote before it ('=cmd...), the form spreadsheets show as the text itself, so the
        value stays readable; every other cell is written as Export-Csv writes it.

        Takes any objects, ours (sessions, log lines, tracking events, traces, timelines, diagnoses, checks) and
        others. A property that holds a list is written as its items joined with "; ", as our objects' lists
        are. Use it wherever a CSV goes to a ticket or to someone who opens it in a spreadsheet.

    .PARAMETER InputObject
        The objects to write, from the pipeline.

    .PARAMETER Path
        The CSV file to write.

    .PARAMETER Append
        Adds to the end of the file instead of replacing it.

    .PARAMETER Delimiter
        The character between fields; a comma by default.

    .PARAMETER UseCulture
        Uses the list separator of the current culture as the delimiter (a semicolon in many European cultures).

    .PARAMETER Encoding
        The file's encoding: UTF8 by default, with a byte order mark so that Excel reads it as UTF-8.

    .PARAMETER Force
        Overwrites a read-only file.

    .EXAMPLE
        Get-HybridSmtpSession -Path .\logs | Where-Object Outcome -ne 'Delivered' | Export-HybridCsv failed.csv

        The failed sessions for a ticket; an EHLO name such as =HYPERLINK("http://...") is written as text.

    .EXAMPLE
        Get-HybridMessageTrackingLog -EventId FAIL -Start (Get-Date).AddDays(-1) | Export-HybridCsv -Path fail.csv -UseCulture

        Yesterday's failures, separated by the culture's list separator for a spreadsheet of that culture.

    .OUTPUTS
        None. The file is written.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Delimiter')]
    param(
        [Parameter(Mandatory = $true, ValueFromPipeline = $true)]
        [psobject] $InputObject,

        [Parameter(Mandatory = $true, Position = 0)]
        [string] $Path,

        [switch] $Append,

        [Parameter(ParameterSetName = 'Delimiter')]
        [char] $Delimiter = ',',

        [Parameter(ParameterSetName = 'UseCulture')]
        [switch] $UseCulture,

        [ValidateSet('UTF8', 'Unicode', 'ASCII')]
        [string] $Encoding = 'UTF8',

        [switch] $Force
    )

    begin {
        $exportArguments = @{ Path = $Path; NoTypeInformation = $true; Append = $Append; Force = $Force; Encoding = $Encoding }
        if ($PSVersionTable.PSEdition -eq 'Core' -and $Encoding -eq 'UTF8') {
            # PowerShell 7's UTF8 has no byte order mark; Excel then reads the file as ANSI.
            $exportArguments.Encoding = 'utf8BOM'
        }
        if ($UseCulture) { $exportArguments.UseCulture = $true } else { $exportArguments.Delimiter = $Delimiter }
        $export = { Export-Csv @exportArguments }.GetSteppablePipeline($MyInvocation.CommandOrigin)
        $export.Begin($true)
    }

    process {
        $row = [ordered]@{}
        foreach ($property in $InputObject.PSObject.Properties) {
            # Remoting's bookkeeping on objects from servers; PSComputerName, the server, stays.
            if ($property.Name -eq 'RunspaceId' -or $property.Name -eq 'PSShowComputerName') { continue }
            $value = $null
            try { $value = $property.Value } catch { $value = $null }
            $row[$property.Name] = ConvertTo-HybridCsvCell $value
        }
        $export.Process([pscustomobject]$row)
    }

    end {
        $export.End()
    }
}
