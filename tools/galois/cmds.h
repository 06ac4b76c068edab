// The subcommands of the `galois` command. Each takes the arguments after its own name
// (argv[0] is the subcommand name) and returns the process exit status.
#ifndef GALOIS_TOOLS_CMDS_H
#define GALOIS_TOOLS_CMDS_H

int galois_cmd_pcap(int argc, char **argv);
int galois_cmd_keygen(int argc, char **argv);
int galois_cmd_bench(int argc, char **argv);
int galois_cmd_demo(int argc, char **argv);
int galois_cmd_sdp(int argc, char **argv);

#endif  // GALOIS_TOOLS_CMDS_H
