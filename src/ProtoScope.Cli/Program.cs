using ProtoScope.Cli;

StopSignals.HonourInterruptInBackground(args);
TuiCommand.PrepareIfLikely(args);
return ProtoScopeCli.Run(args, Console.OpenStandardOutput(), Console.Error, !Console.IsOutputRedirected);
