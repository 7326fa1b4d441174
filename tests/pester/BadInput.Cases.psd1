# The bad-input matrix of BadInput.Tests.ps1: for every public cmdlet, the parameters and the kinds of bad value each
# one is tried with. Every public parameter (Get-Command -Module Sheriff) must appear here or under Exclusions.
#
# Params: Parameter = 'Kind[=Expect],Kind[=Expect],...'   or   @{ Kinds = '...'; Base = 'BaseName' }
#   Kinds (values are made by the test, see New-BadValue):
#     Empty ''            Null $null          EmptyArray @()       WrongType (per type, e.g. 'abc' for an int)
#     WrongValue a string outside the accepted set     Huge a 1 MB string          Overflow / Negative / Zero
#     NonAscii (Japanese, accented, Greek and an emoji)   Wildcard '*?[]'   Control NUL, CR/LF and a header line
#     Traversal ../../../../../../../../../../etc/passwd (exists: reading it must not leak it)
#     TraversalWrite ../../(...)/proc/sheriff-no/x (must not be written)   MissingFile   Directory (a file is expected)
#     NotADirectory (a folder is expected)   DeadServer (nothing listens)   Disposed (a closed session)
#     ExistingJobId (a job id already taken by another request)   InUse (a port already taken)
#   Expect: Error (default for every kind but NonAscii, Wildcard, Huge: at least one error record),
#     Any (errors allowed, none required), or an ErrorId (an error with that id is required).
#   Every error, expected or not, must be well formed: a stable ErrorId (from ErrorIds.cs, or PowerShell's own
#   parameter-binding ids), a category other than NotSpecified, a TargetObject on Sheriff's own errors; and no case may
#   hang (20 s), print a stack trace, or leave a half-done submission (the job count of GenieLocal is unchanged when
#   Submit-SparkJob fails).
#
# Bases: the valid values of the other parameters, per parameter set (or named, picked with Base =). Tokens in braces
# are resources the test creates first: {JobId} a SUCCEEDED job, {FailedJobId}, {Job} its GenieJob object, {Cluster},
# {Command}, {App} throwaway resources, {SwitchFrom}/{SwitchTo} clusters and {SwitchCmdFrom}/{SwitchCmdTo} commands
# for the switch cmdlets, {Script} a .py file, {Jar} a .jar file, {LogFile} a Spark log, {OutFile} a fresh output
# path, {NewDataDir} a fresh data directory, {Uri} the server's address.
@{
    Commands = @{
        'Add-GenieTag' = @{
            Bases  = @{ __AllParameterSets = @{ Kind = 'Cluster'; Id = '{Cluster}'; Tag = 'badinput:added' } }
            Params = @{
                Kind     = 'WrongType,Empty,Null'
                Id       = 'Empty,Null,EmptyArray,NonAscii=GenieClusterNotFound,Wildcard,Huge,Control'
                Tag      = 'Empty,Null,EmptyArray,NonAscii,Wildcard,Huge,Control=Any'
                PassThru = 'WrongType'
                Session  = 'WrongType,DeadServer,Disposed'
            }
        }
        'Remove-GenieTag' = @{
            Bases  = @{ __AllParameterSets = @{ Kind = 'Cluster'; Id = '{Cluster}'; Tag = 'badinput:absent' } }
            Params = @{
                Kind     = 'WrongType,Empty,Null'
                Id       = 'Empty,Null,EmptyArray,NonAscii=GenieClusterNotFound,Wildcard,Huge,Control'
                Tag      = 'Empty,Null,EmptyArray,NonAscii,Wildcard=InvalidParameterValue,Huge,Control=Any'
                PassThru = 'WrongType'
                Session  = 'WrongType,DeadServer,Disposed'
            }
        }
        'Connect-Genie' = @{
            Bases  = @{ Uri = @{ Uri = '{Uri}' }; Profile = @{ Profile = 'badinput-no-such-profile' } }
            Params = @{
                Uri            = 'Empty,Null,WrongType=InvalidGenieUri,NonAscii=InvalidGenieUri,Huge,Control,DeadServer=GenieConnectionFailed'
                Profile        = 'Empty,Null,NonAscii=GenieProfileNotFound,Wildcard,Huge'
                RequestTimeout = 'WrongType,Zero,Negative,Overflow'
                NoValidation   = 'WrongType'
                Token                        = 'Empty,Null=Any,WrongType'
                TokenEnvironmentVariable     = 'Empty,Null,NonAscii,Wildcard,Huge'
                TokenCommand                 = 'Empty,Null,MissingFile,NonAscii,Huge'
                Credential                   = 'Empty,Null=Any,WrongType'
                OAuthTokenUri                = @{ Kinds = 'Empty,Null,WrongType,NonAscii,Huge'; Base = 'OAuth' }
                ClientId                     = @{ Kinds = 'Empty,Null,NonAscii=Any,Huge=Any,Control=Any'; Base = 'OAuth' }
                ClientSecret                 = @{ Kinds = 'Empty,Null,WrongType'; Base = 'OAuth' }
                OAuthCredential              = @{ Kinds = 'Empty,Null=Any,WrongType'; Base = 'OAuthCredential' }
                Scope                        = @{ Kinds = 'Empty,Null=Any,NonAscii=Any,Huge=Any,Control=Any'; Base = 'OAuth' }
                SkipCertificateCheck         = 'WrongType'
                TrustedCertificateThumbprint = 'Empty,Null,WrongValue,NonAscii,Huge'
                MaxAttempts                  = 'WrongType,Zero,Negative,Overflow'
                RetryMaxTotalSeconds         = 'WrongType,Zero=Any,Negative,Overflow'
                MaxConsecutiveFailures       = 'WrongType,Zero,Negative,Overflow'
            }
            ExtraBases = @{
                # -NoValidation: nothing is fetched, so only the parameter's own checks answer
                OAuth           = @{ Uri = '{Uri}'; OAuthTokenUri = '{Uri}oauth/token'; ClientId = 'badinput'; ClientSecret = '{Secret}'; NoValidation = $true }
                OAuthCredential = @{ Uri = '{Uri}'; OAuthTokenUri = '{Uri}oauth/token'; OAuthCredential = '{Credential}'; NoValidation = $true }
            }
        }
        'Get-GenieApplication' = @{
            Bases  = @{ Search = @{}; Id = @{ Id = '{App}' }; Command = @{ Command = '{Command}' } }
            Params = @{
                Id      = 'Empty,Null,EmptyArray,NonAscii=GenieApplicationNotFound,Wildcard,Huge,Control'
                Name    = 'Empty,Null,NonAscii,Wildcard=InvalidParameterValue,Huge'
                Type    = 'Empty,Null,NonAscii,Huge,Wildcard=InvalidParameterValue'
                Status  = 'Empty,Null,WrongValue'
                Tag     = 'Empty,Null,NonAscii,Wildcard,Huge'
                Command = 'Empty,Null,NonAscii=GenieCommandNotFound,Wildcard,Huge'
                Session = 'WrongType,DeadServer,Disposed'
            }
        }
        'Get-GenieCluster' = @{
            Bases  = @{ Search = @{}; Id = @{ Id = '{Cluster}' }; Command = @{ Command = '{Command}' } }
            Params = @{
                Id      = 'Empty,Null,EmptyArray,NonAscii=GenieClusterNotFound,Wildcard,Huge,Control'
                Name    = 'Empty,Null,NonAscii,Wildcard=InvalidParameterValue,Huge'
                Status  = 'Empty,Null,WrongValue'
                Tag     = 'Empty,Null,NonAscii,Wildcard,Huge'
                Command = 'Empty,Null,NonAscii=GenieCommandNotFound,Wildcard,Huge'
                Session = 'WrongType,DeadServer,Disposed'
            }
        }
        'Get-GenieCommand' = @{
            Bases  = @{ Search = @{}; Id = @{ Id = '{Command}' }; Cluster = @{ Cluster = '{Cluster}' } }
            Params = @{
                Id      = 'Empty,Null,EmptyArray,NonAscii=GenieCommandNotFound,Wildcard,Huge,Control'
                Name    = 'Empty,Null,NonAscii,Wildcard=InvalidParameterValue,Huge'
                Status  = 'Empty,Null,WrongValue'
                Tag     = 'Empty,Null,NonAscii,Wildcard,Huge'
                Cluster = 'Empty,Null,NonAscii=GenieClusterNotFound,Wildcard,Huge'
                Session = 'WrongType,DeadServer,Disposed'
            }
        }
        'Get-GenieJob' = @{
            Bases  = @{ Search = @{ First = 1 }; Id = @{ Id = '{JobId}' } }
            Params = @{
                Id                = 'Empty,Null,EmptyArray,NonAscii=GenieJobNotFound,Wildcard=GenieJobNotFound,Huge,Control'
                Name              = 'Empty,Null,NonAscii,Wildcard=InvalidParameterValue,Huge'
                Status            = 'Empty,Null,WrongValue'
                Tag               = 'Empty,Null,NonAscii,Wildcard,Huge'
                User              = 'Empty,Null,NonAscii,Wildcard,Huge'
                Mine              = 'WrongType'
                ClusterName       = 'Empty,Null,NonAscii,Wildcard=InvalidParameterValue,Huge'
                CommandName       = 'Empty,Null,NonAscii,Wildcard=InvalidParameterValue,Huge'
                After             = 'WrongType,Overflow=Any,Negative=Any'
                Before            = 'WrongType,Overflow=Any,Negative=Any'
                PageSize          = 'WrongType,Zero,Negative,Overflow'
                Detailed          = 'WrongType'
                Session           = 'WrongType,DeadServer,Disposed'
                IncludeTotalCount = 'WrongType'
                Skip              = 'WrongType,Negative,Overflow'
                First             = 'WrongType,Negative,Overflow'
            }
        }
        'Get-GenieJobOutput' = @{
            Bases  = @{
                Lines   = @{ Id = '{JobId}' }
                List    = @{ Id = '{JobId}'; List = $true }
                Raw     = @{ Id = '{JobId}'; Raw = $true }
                OutFile = @{ Id = '{JobId}'; OutFile = '{OutFile}' }
            }
            Params = @{
                Id       = 'Empty,Null,EmptyArray,NonAscii=GenieJobNotFound,Wildcard,Huge,Control'
                Path     = 'Empty=Any,Null,NonAscii=GenieJobOutputNotFound,Wildcard,Huge,Control,Traversal'
                List     = 'WrongType'
                Tail     = 'WrongType,Negative,Overflow'
                Follow   = 'WrongType'
                Raw      = 'WrongType'
                OutFile  = @{ Kinds = 'Empty,Null,Directory,TraversalWrite,MissingFile=Any,NonAscii=Any,Huge'; Base = 'OutFile' }
                PassThru = @{ Kinds = 'WrongType'; Base = 'OutFile' }
                Session  = 'WrongType,DeadServer,Disposed'
            }
        }
        'Get-JobDiagnosis' = @{
            Bases  = @{
                Id   = @{ Id = '{FailedJobId}' }
                Path = @{ Path = '{LogFile}' }
                Text = @{ InputObject = 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space' }
            }
            Params = @{
                Id          = 'Empty,Null,EmptyArray,NonAscii=GenieJobNotFound,Wildcard,Huge,Control'
                Path        = 'Empty,Null,EmptyArray,MissingFile,Directory,Traversal=Any,NonAscii,Wildcard,Huge'
                InputObject = 'Empty=Any,Null,NonAscii=Any,Huge=Any,Control=Any'
                JobStatus   = 'Empty,Null,WrongValue'
                RulePath    = 'Empty,Null,EmptyArray,MissingFile,Directory,Traversal=RuleFileInvalid,NonAscii,Huge'
                AsText      = 'WrongType'
                Session     = 'WrongType,DeadServer,Disposed'
            }
        }
        'New-GenieApplication' = @{
            Bases  = @{ __AllParameterSets = @{ Name = 'badinput-new-app' } }
            Params = @{
                Name         = 'Empty,Null,NonAscii=Any,Wildcard=Any,Huge,Control=Any'
                Id           = 'Empty,Null,NonAscii=Any,Wildcard=Any,Huge,Control'
                Version      = 'Empty,Null,Huge'
                User         = 'Empty,Null,Huge'
                Status       = 'Empty,Null,WrongValue'
                Type         = 'Empty=Any,Null=Any,Huge'
                Tag          = 'Empty=Any,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Description  = 'Empty=Any,Null=Any,Huge=Any'
                SetupFile    = 'Empty=Any,Null=Any,MissingFile=Any'
                Configs      = 'Empty=Any,Null=Any,EmptyArray=Any'
                Dependencies = 'Empty=Any,Null=Any,EmptyArray=Any'
                Session      = 'WrongType,DeadServer,Disposed'
            }
        }
        'New-GenieCluster' = @{
            Bases  = @{ __AllParameterSets = @{ Name = 'badinput-new-cluster' } }
            Params = @{
                Name         = 'Empty,Null,NonAscii=Any,Wildcard=Any,Huge,Control=Any'
                Id           = 'Empty,Null,NonAscii=Any,Wildcard=Any,Huge,Control'
                Version      = 'Empty,Null,Huge'
                User         = 'Empty,Null,Huge'
                Status       = 'Empty,Null,WrongValue'
                Tag          = 'Empty=Any,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Description  = 'Empty=Any,Null=Any,Huge=Any'
                SetupFile    = 'Empty=Any,Null=Any,MissingFile=Any'
                Configs      = 'Empty=Any,Null=Any,EmptyArray=Any'
                Dependencies = 'Empty=Any,Null=Any,EmptyArray=Any'
                Session      = 'WrongType,DeadServer,Disposed'
            }
        }
        'New-GenieCommand' = @{
            Bases  = @{ __AllParameterSets = @{ Name = 'badinput-new-command'; Executable = 'bash -c' } }
            Params = @{
                Name                   = 'Empty,Null,NonAscii=Any,Wildcard=Any,Huge,Control=Any'
                Id                     = 'Empty,Null,NonAscii=Any,Wildcard=Any,Huge,Control'
                Version                = 'Empty,Null,Huge'
                User                   = 'Empty,Null,Huge'
                Status                 = 'Empty,Null,WrongValue'
                Tag                    = 'Empty=Any,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Description            = 'Empty=Any,Null=Any,Huge=Any'
                Executable             = 'Empty,Null,Huge'
                ExecutableAndArguments = @{ Kinds = 'Empty,Null,EmptyArray'; Base = 'NoExecutable' }
                ClusterCriteria        = 'WrongType,Null=Any,EmptyArray=Any'
                Memory                 = 'WrongType,Zero,Negative,Overflow'
                CheckDelay             = 'WrongType,Zero,Negative,Overflow'
                SetupFile              = 'Empty=Any,Null=Any,MissingFile=Any'
                Configs                = 'Empty=Any,Null=Any,EmptyArray=Any'
                Dependencies           = 'Empty=Any,Null=Any,EmptyArray=Any'
                Session                = 'WrongType,DeadServer,Disposed'
            }
            ExtraBases = @{ NoExecutable = @{ Name = 'badinput-new-command' } }
        }
        'Remove-GenieApplication' = @{
            Bases  = @{ __AllParameterSets = @{ Id = 'badinput-no-such-app' } }
            Params = @{
                Id      = 'Empty,Null,EmptyArray,NonAscii=GenieApplicationNotFound,Wildcard,Huge,Control'
                Session = 'WrongType,DeadServer,Disposed'
            }
        }
        'Remove-GenieCluster' = @{
            Bases  = @{ __AllParameterSets = @{ Id = 'badinput-no-such-cluster' } }
            Params = @{
                Id      = 'Empty,Null,EmptyArray,NonAscii=GenieClusterNotFound,Wildcard,Huge,Control'
                Session = 'WrongType,DeadServer,Disposed'
            }
        }
        'Remove-GenieCommand' = @{
            Bases  = @{ __AllParameterSets = @{ Id = 'badinput-no-such-command' } }
            Params = @{
                Id      = 'Empty,Null,EmptyArray,NonAscii=GenieCommandNotFound,Wildcard,Huge,Control'
                Session = 'WrongType,DeadServer,Disposed'
            }
        }
        'Resolve-GenieJob' = @{
            Bases  = @{ __AllParameterSets = @{ ClusterTags = 'sched:adhoc' } }
            Params = @{
                ClusterTags  = 'Empty,Null=Any,EmptyArray=Any,NonAscii=GenieNoMatch,Wildcard=Any,Huge'
                CommandTags  = 'Empty,Null=Any,EmptyArray=Any,NonAscii=GenieNoMatch,Wildcard=Any,Huge'
                SparkVersion = 'Empty,Null,NonAscii=SparkJobInvalid,Huge'
                Generation   = 'WrongType,Zero,Negative,Overflow'
                Session      = 'WrongType,DeadServer,Disposed'
            }
        }
        'Set-GenieApplication' = @{
            Bases  = @{ __AllParameterSets = @{ Id = '{App}'; Description = 'changed by the bad-input matrix' } }
            Params = @{
                Id           = 'Empty,Null,EmptyArray,NonAscii=GenieApplicationNotFound,Wildcard,Huge,Control'
                Name         = 'Empty,Null,NonAscii=Any,Huge'
                Version      = 'Empty,Null,Huge'
                User         = 'Empty,Null,Huge'
                Status       = 'Empty,Null,WrongValue'
                Tag          = 'Empty=Any,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Type         = 'Empty=Any,Null=Any,Huge'
                Description  = 'Empty=Any,Null=Any,Huge=Any'
                SetupFile    = 'Empty=Any,Null=Any,MissingFile=Any'
                Configs      = 'Empty=Any,Null=Any,EmptyArray=Any'
                Dependencies = 'Empty=Any,Null=Any,EmptyArray=Any'
                PassThru     = 'WrongType'
                Session      = 'WrongType,DeadServer,Disposed'
            }
        }
        'Set-GenieCluster' = @{
            Bases  = @{ __AllParameterSets = @{ Id = '{Cluster}'; Description = 'changed by the bad-input matrix' } }
            Params = @{
                Id           = 'Empty,Null,EmptyArray,NonAscii=GenieClusterNotFound,Wildcard,Huge,Control'
                Name         = 'Empty,Null,NonAscii=Any,Huge'
                Version      = 'Empty,Null,Huge'
                User         = 'Empty,Null,Huge'
                Status       = 'Empty,Null,WrongValue'
                Tag          = 'Empty=Any,Null=Any,NonAscii=Any,Huge'
                Description  = 'Empty=Any,Null=Any,Huge=Any'
                SetupFile    = 'Empty=Any,Null=Any,MissingFile=Any'
                Configs      = 'Empty=Any,Null=Any,EmptyArray=Any'
                Dependencies = 'Empty=Any,Null=Any,EmptyArray=Any'
                PassThru     = 'WrongType'
                Session      = 'WrongType,DeadServer,Disposed'
            }
        }
        'Set-GenieClusterStatus' = @{
            Bases  = @{ __AllParameterSets = @{ Id = '{Cluster}'; Status = 'UP' } }
            Params = @{
                Id       = 'Empty,Null,EmptyArray,NonAscii=GenieClusterNotFound,Wildcard,Huge,Control'
                Status   = 'Empty,Null,WrongValue'
                PassThru = 'WrongType'
                Session  = 'WrongType,DeadServer,Disposed'
            }
        }
        'Set-GenieCommand' = @{
            Bases  = @{ __AllParameterSets = @{ Id = '{Command}'; Description = 'changed by the bad-input matrix' } }
            Params = @{
                Id                     = 'Empty,Null,EmptyArray,NonAscii=GenieCommandNotFound,Wildcard,Huge,Control'
                Name                   = 'Empty,Null,NonAscii=Any,Huge'
                Version                = 'Empty,Null,Huge'
                User                   = 'Empty,Null,Huge'
                Status                 = 'Empty,Null,WrongValue'
                Tag                    = 'Empty=Any,Null=Any,NonAscii=Any,Huge'
                Executable             = 'Empty,Null,Huge'
                ExecutableAndArguments = 'Empty,Null,EmptyArray'
                ClusterCriteria        = 'WrongType,Null=Any'
                Memory                 = 'WrongType,Zero,Negative,Overflow'
                CheckDelay             = 'WrongType,Zero,Negative,Overflow'
                Description            = 'Empty=Any,Null=Any,Huge=Any'
                SetupFile              = 'Empty=Any,Null=Any,MissingFile=Any'
                Configs                = 'Empty=Any,Null=Any,EmptyArray=Any'
                Dependencies           = 'Empty=Any,Null=Any,EmptyArray=Any'
                PassThru               = 'WrongType'
                Session                = 'WrongType,DeadServer,Disposed'
            }
        }
        'Invoke-SparkSql' = @{
            Bases      = @{
                Query = @{ Query = 'SELECT 1 AS one'; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; NoWait = $true }
                Path  = @{ Path = '{SqlFile}'; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; NoWait = $true }
            }
            ExtraBases = @{
                Wait   = @{ Query = 'SELECT 1 AS one'; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; WaitTimeout = 60 }
                Output = @{ Query = 'SELECT 1 AS one'; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; OutputTable = 'badinput.out'; NoWait = $true }
            }
            Params     = @{
                Query            = @{ Kinds = 'Empty,Null,NonAscii=Error,Control=Error,Huge=Any'; Base = 'Wait' }
                Path             = 'Empty,Null,MissingFile,Directory,Traversal=Any,NonAscii,Huge'
                Parameters       = 'WrongType,Null=Any'
                OutputTable      = 'Empty,Null,NonAscii,Wildcard,Huge,Control'
                PartitionBy      = @{ Kinds = 'Empty,Null,EmptyArray,NonAscii,Huge'; Base = 'Output' }
                Mode             = @{ Kinds = 'WrongType,Empty,Null'; Base = 'Output' }
                Format           = @{ Kinds = 'Empty,Null,WrongValue'; Base = 'Output' }
                Location         = @{ Kinds = 'Empty,Null,NonAscii=Any,Huge'; Base = 'Output' }
                MaxRows          = 'WrongType,Negative,Overflow'
                NoWait           = 'WrongType'
                WaitTimeout      = 'WrongType,Zero,Negative,Overflow'
                Engine           = 'Empty,Null,WrongValue'
                Files            = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory=Any'
                Jars             = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory'
                Packages         = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Control'
                ExecutorMemory   = 'Empty,Null,WrongValue,NonAscii,Huge'
                ExecutorCores    = 'WrongType,Zero,Negative,Overflow'
                DriverMemory     = 'Empty,Null,WrongValue,NonAscii,Huge'
                NumExecutors     = 'WrongType,Zero,Negative,Overflow'
                Conf             = 'WrongType,Null=Any'
                Queue            = 'Empty,Null,NonAscii=Any,Control=Any'
                SparkVersion     = 'Empty,Null,NonAscii,Huge'
                ClusterTags      = 'Empty,Null,EmptyArray,NonAscii,Huge'
                CommandTags      = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Huge'
                Name             = 'Empty,Null,NonAscii=Any,Huge,Control=Any'
                Tag              = 'Empty,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Description      = 'Empty=Any,Null=Any,Huge'
                Timeout          = 'WrongType,Zero,Negative,Overflow'
                Email            = 'Empty,Null,NonAscii=Any,Huge'
                Grouping         = 'Empty,Null,Huge'
                GroupingInstance = 'Empty,Null,Huge'
                JobId            = 'Empty,Null,NonAscii=Any,Wildcard,Huge,Control,Traversal,ExistingJobId=GenieJobIdConflict'
                StagingUri       = 'Empty,Null,WrongValue,NonAscii,Huge'
                SpecFile         = 'Empty,Null,MissingFile,Directory,Traversal=SparkJobSpecInvalid,Huge'
                Session          = 'WrongType,DeadServer,Disposed'
            }
        }
        'Get-TableStatistics' = @{
            Bases  = @{ __AllParameterSets = @{ Table = 'badinput.no_such_table'; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; WaitTimeout = 60 } }
            Params = @{
                Table            = 'Empty,Null,NonAscii,Wildcard,Huge,Control'
                Partition        = 'WrongType,Null=Any'
                WaitTimeout      = 'WrongType,Zero,Negative,Overflow'
                Engine           = 'Empty,Null,WrongValue'
                Files            = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory=Any'
                Jars             = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory'
                Packages         = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Control'
                ExecutorMemory   = 'Empty,Null,WrongValue,NonAscii,Huge'
                ExecutorCores    = 'WrongType,Zero,Negative,Overflow'
                DriverMemory     = 'Empty,Null,WrongValue,NonAscii,Huge'
                NumExecutors     = 'WrongType,Zero,Negative,Overflow'
                Conf             = 'WrongType,Null=Any'
                Queue            = 'Empty,Null,NonAscii=Any,Control=Any'
                SparkVersion     = 'Empty,Null,NonAscii,Huge'
                ClusterTags      = 'Empty,Null,EmptyArray,NonAscii,Huge'
                CommandTags      = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Huge'
                Name             = 'Empty,Null,NonAscii=Any,Huge,Control=Any'
                Tag              = 'Empty,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Description      = 'Empty=Any,Null=Any,Huge'
                Timeout          = 'WrongType,Zero,Negative,Overflow'
                Email            = 'Empty,Null,NonAscii=Any,Huge'
                Grouping         = 'Empty,Null,Huge'
                GroupingInstance = 'Empty,Null,Huge'
                JobId            = 'Empty,Null,NonAscii=Any,Wildcard,Huge,Control,Traversal,ExistingJobId=GenieJobIdConflict'
                StagingUri       = 'Empty,Null,WrongValue,NonAscii,Huge'
                SpecFile         = 'Empty,Null,MissingFile,Directory,Traversal=SparkJobSpecInvalid,Huge'
                Session          = 'WrongType,DeadServer,Disposed'
            }
        }
        'Update-TableStatistics' = @{
            Bases  = @{
                Table      = @{ Table = 'badinput.no_such_table'; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; NoWait = $true }
                Column     = @{ Table = 'badinput.no_such_table'; Column = 'a'; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; NoWait = $true }
                AllColumns = @{ Table = 'badinput.no_such_table'; AllColumns = $true; Engine = 'DuckDB'; ClusterTags = 'sched:adhoc'; NoWait = $true }
            }
            Params = @{
                Table            = 'Empty,Null,NonAscii,Wildcard,Huge,Control'
                Partition        = 'WrongType,Null=Any'
                Column           = 'Empty,Null,EmptyArray,NonAscii,Huge'
                AllColumns       = 'WrongType'
                NoWait           = 'WrongType'
                WaitTimeout      = 'WrongType,Zero,Negative,Overflow'
                Engine           = 'Empty,Null,WrongValue'
                Files            = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory=Any'
                Jars             = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory'
                Packages         = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Control'
                ExecutorMemory   = 'Empty,Null,WrongValue,NonAscii,Huge'
                ExecutorCores    = 'WrongType,Zero,Negative,Overflow'
                DriverMemory     = 'Empty,Null,WrongValue,NonAscii,Huge'
                NumExecutors     = 'WrongType,Zero,Negative,Overflow'
                Conf             = 'WrongType,Null=Any'
                Queue            = 'Empty,Null,NonAscii=Any,Control=Any'
                SparkVersion     = 'Empty,Null,NonAscii,Huge'
                ClusterTags      = 'Empty,Null,EmptyArray,NonAscii,Huge'
                CommandTags      = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Huge'
                Name             = 'Empty,Null,NonAscii=Any,Huge,Control=Any'
                Tag              = 'Empty,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Description      = 'Empty=Any,Null=Any,Huge'
                Timeout          = 'WrongType,Zero,Negative,Overflow'
                Email            = 'Empty,Null,NonAscii=Any,Huge'
                Grouping         = 'Empty,Null,Huge'
                GroupingInstance = 'Empty,Null,Huge'
                JobId            = 'Empty,Null,NonAscii=Any,Wildcard,Huge,Control,Traversal,ExistingJobId=GenieJobIdConflict'
                StagingUri       = 'Empty,Null,WrongValue,NonAscii,Huge'
                SpecFile         = 'Empty,Null,MissingFile,Directory,Traversal=SparkJobSpecInvalid,Huge'
                Session          = 'WrongType,DeadServer,Disposed'
            }
        }
        'Start-GenieLocal' = @{
            Bases  = @{ __AllParameterSets = @{ DataDirectory = '{NewDataDir}'; StartTimeout = 30 } }
            Params = @{
                Port          = 'WrongType,Negative,Overflow,InUse=GenieLocalStartFailed'
                DataDirectory = 'Empty,Null,NotADirectory,TraversalWrite,NonAscii=Any,Huge'
                SeedPath      = 'Empty,Null,MissingFile,Directory,Traversal'
                Generation    = 'Empty,Null,WrongValue'
                MaxRunning    = 'WrongType,Zero,Negative,Overflow'
                Selector      = 'Empty,Null,WrongValue'
                S3Endpoint    = 'Empty=Any,WrongType,Huge'
                StartTimeout  = 'WrongType,Zero,Negative,Overflow'
                Https           = 'WrongType'
                Token           = 'Empty,Null=Any,WrongType'
                Credential      = 'Empty,Null=Any,WrongType'
                OAuthCredential = 'Empty,Null=Any,WrongType'
                OAuthTokenTtl   = 'WrongType,Zero,Negative,Overflow'
            }
        }
        'Stop-GenieJob' = @{
            Bases  = @{ __AllParameterSets = @{ Id = '{JobId}' } }
            Params = @{
                Id       = 'Empty,Null,EmptyArray,NonAscii=GenieJobNotFound,Wildcard,Huge,Control'
                PassThru = 'WrongType'
                Wait     = 'WrongType'
                Timeout  = 'WrongType,Zero,Negative,Overflow'
                Session  = 'WrongType,DeadServer,Disposed'
            }
        }
        'Stop-GenieLocal' = @{
            Bases  = @{ __AllParameterSets = @{} }
            Params = @{
                InputObject = 'WrongType,Null=Any'
                TimeoutSec  = 'WrongType,Negative,Overflow'
            }
        }
        'Submit-SparkJob' = @{
            Bases      = @{ __AllParameterSets = @{ Script = '{Script}'; ClusterTags = 'sched:adhoc'; Name = 'badinput-submit' } }
            ExtraBases = @{ Jar = @{ Jar = '{Jar}'; Class = 'org.example.Main'; ClusterTags = 'sched:adhoc'; Name = 'badinput-submit' } }
            Params     = @{
                Script           = 'Empty,Null,MissingFile=SparkJobFileNotFound,Directory,Traversal=Any,NonAscii=SparkJobFileNotFound,Wildcard,Huge'
                Jar              = @{ Kinds = 'Empty,Null,MissingFile=SparkJobFileNotFound,Directory,NonAscii,Huge'; Base = 'Jar' }
                Class            = @{ Kinds = 'Empty,Null,NonAscii=Any,Huge'; Base = 'Jar' }
                ArgumentList     = 'Empty=Any,Null=Any,EmptyArray=Any,NonAscii=Any,Control=Any,Huge=Any'
                ProjectPath      = 'Empty,Null,MissingFile,NotADirectory'
                PyFiles          = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory'
                Files            = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory=Any'
                Jars             = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory'
                Archives         = 'Empty,Null=Any,EmptyArray=Any,MissingFile,Directory'
                Packages         = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Control'
                ExecutorMemory   = 'Empty,Null,WrongValue,NonAscii,Huge'
                ExecutorCores    = 'WrongType,Zero,Negative,Overflow'
                DriverMemory     = 'Empty,Null,WrongValue,NonAscii,Huge'
                NumExecutors     = 'WrongType,Zero,Negative,Overflow'
                Conf             = 'WrongType,Null=Any'
                Queue            = 'Empty,Null,NonAscii=Any,Control=Any'
                SparkVersion     = 'Empty,Null,NonAscii,Huge'
                ClusterTags      = 'Empty,Null,EmptyArray,NonAscii,Huge'
                CommandTags      = 'Empty,Null=Any,EmptyArray=Any,NonAscii,Huge'
                Name             = 'Empty,Null,NonAscii=Any,Huge,Control=Any'
                Tag              = 'Empty=Any,Null=Any,EmptyArray=Any,NonAscii=Any,Huge'
                Description      = 'Empty=Any,Null=Any,Huge'
                Timeout          = 'WrongType,Zero,Negative,Overflow'
                Email            = 'Empty,Null,NonAscii=Any,Huge'
                Grouping         = 'Empty,Null,Huge'
                GroupingInstance = 'Empty,Null,Huge'
                JobId            = 'Empty,Null,NonAscii=Any,Wildcard,Huge,Control,Traversal,ExistingJobId=GenieJobIdConflict'
                StagingUri       = 'Empty,Null,WrongValue,NonAscii,Huge'
                SpecFile         = 'Empty,Null,MissingFile,Directory,Traversal=SparkJobSpecInvalid,Huge'
                ExportSpec       = 'Empty,Null,Directory,TraversalWrite,MissingFile=Any'
                Wait             = 'WrongType'
                WaitTimeout      = 'WrongType,Zero,Negative,Overflow'
                Session          = 'WrongType,DeadServer,Disposed'
            }
        }
        'Switch-GenieCluster' = @{
            Bases  = @{ __AllParameterSets = @{ From = '{SwitchFrom}'; To = '{SwitchTo}'; Tag = 'badinput:swap' } }
            Params = @{
                From         = 'Empty,Null,NonAscii,Wildcard,Huge'
                To           = 'Empty,Null,NonAscii,Wildcard,Huge'
                Tag          = 'Empty,Null,EmptyArray,NonAscii,Huge'
                Drain        = 'WrongType'
                DrainTimeout = 'WrongType,Zero,Negative,Overflow'
                PassThru     = 'WrongType'
                Session      = 'WrongType,DeadServer,Disposed'
            }
        }
        'Switch-GenieCommand' = @{
            Bases  = @{ __AllParameterSets = @{ Tag = 'badinput:ver'; From = '{SwitchCmdFrom}'; To = '{SwitchCmdTo}' } }
            Params = @{
                Tag      = 'Empty,Null,EmptyArray,NonAscii,Huge'
                From     = 'Empty,Null,NonAscii,Wildcard,Huge'
                To       = 'Empty,Null,NonAscii,Wildcard,Huge'
                PassThru = 'WrongType'
                Session  = 'WrongType,DeadServer,Disposed'
            }
        }
        'Wait-GenieJob' = @{
            Bases  = @{ Id = @{ Id = '{JobId}'; Timeout = 15 }; Job = @{ InputObject = '{Job}'; Timeout = 15 } }
            Params = @{
                Id                  = 'Empty,Null,EmptyArray,NonAscii=GenieJobNotFound,Wildcard,Huge,Control'
                InputObject         = 'WrongType,Null,EmptyArray'
                Timeout             = 'WrongType,Negative,Overflow'
                Any                 = 'WrongType'
                PollInterval        = 'WrongType,Zero,Negative,Overflow'
                MaxRequestsPerSecond = 'WrongType,Zero,Negative,Overflow'
                StopOnTimeout       = 'WrongType'
                Session             = 'WrongType,DeadServer,Disposed'
            }
        }
    }

    # Parameters deliberately not in the matrix, with the reason ('Cmdlet/Parameter' = 'reason').
    Exclusions = @{
    }

    # Cases that find a defect not fixed yet ('Cmdlet/Parameter/Kind' = 'what happens'). Such a case is reported as
    # skipped with this text while the defect lasts, and fails once the defect is gone so that the entry is removed.
    KnownDefects = @{
    }
}
