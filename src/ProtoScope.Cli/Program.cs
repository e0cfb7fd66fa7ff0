using ProtoScope.Cli;

TuiCommand.PrepareIfLikely(args);
return ProtoScopeCli.Run(args, Console.OpenStandardOutput(), Console.Error, !Console.IsOutputRedirected);
