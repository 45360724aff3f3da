package io.procwatch;

import io.procwatch.auth.Authenticator;
import io.procwatch.auth.Role;
import io.procwatch.auth.TokenHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code procwatch token --name platform --role ingest}: a new access token, printed once, and the line for the
 * token file (which holds only its salted hash), so that operators never hash by hand.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Create an access token: prints the secret once and the line for conf/tokens.conf.")
final class TokenCommand implements Callable<Integer> {
  @Option(names = "--name", required = true, description = "Who uses it (recorded in the audit trail), e.g. platform, wang.fang.")
  String name;

  @Option(names = "--role", required = true, split = ",",
      description = "ingest (submit facts), supervisor (read and acknowledge alerts), admin (everything); repeatable.")
  List<String> roles;

  @Option(names = "--buyer", split = ",",
      description = "Buyer ids a supervisor may see (repeatable); without it, every buyer.")
  List<String> buyers;

  @Option(names = "--file", paramLabel = "FILE",
      description = "Append the entry to this token file (e.g. conf/tokens.conf) instead of only printing it.")
  Path file;

  @Option(names = "--iterations", hidden = true, defaultValue = "" + TokenHash.DEFAULT_ITERATIONS)
  int iterations;

  @Override
  public Integer call() throws Exception {
    if (name.isBlank() || name.length() > 200) {
      System.err.println("--name: 1 to 200 characters");
      return 2;
    }
    Set<Role> parsed = EnumSet.noneOf(Role.class);
    try {
      for (String r : roles) parsed.add(Role.parse(r));
    } catch (IllegalArgumentException e) {
      System.err.println("--role: " + e.getMessage());
      return 2;
    }
    if (parsed.contains(Role.ADMIN) && buyers != null && !buyers.isEmpty()) {
      System.err.println("--buyer: an admin sees every buyer; leave --buyer out");
      return 2;
    }
    Authenticator.NewToken t = Authenticator.newToken(name.strip(), parsed, buyers, iterations);
    System.out.println("Token for '" + name.strip() + "' (shown only now; give it to the client, e.g. as"
        + " Authorization: Bearer <token>):");
    System.out.println();
    System.out.println("  " + t.token());
    System.out.println();
    if (file != null) {
      if (file.getParent() != null) Files.createDirectories(file.getParent());
      Files.writeString(file, t.entry() + System.lineSeparator(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      System.out.println("Appended to " + file + " (restart procwatch to load it):");
    } else {
      System.out.println("Add this line to conf/tokens.conf (or the file PROCWATCH_TOKENS_FILE names), then restart:");
    }
    System.out.println();
    System.out.println(t.entry());
    return 0;
  }
}
