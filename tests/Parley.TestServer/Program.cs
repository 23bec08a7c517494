using Parley.TestServer;

return await StandaloneHost.RunAsync(args);
