return await Parley.Cli.CliApplication.RunAsync(args).ConfigureAwait(false);
