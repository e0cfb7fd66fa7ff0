using ProtoScope.Cli;

return ProtoScopeCli.Run(args, Console.OpenStandardOutput(), Console.Error, !Console.IsOutputRedirected);
