package io.procwatch.auth;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who is calling: the token's name (what the audit trail records), its roles, and the buyers it may see.
 *
 * @param buyers the buyer ids in scope; null means every buyer
 */
public record Principal(String name, Set<Role> roles, Set<String> buyers) {
  /** Everything, for a local install without a token file (loopback only; see {@link Authenticator}). */
  public static final Principal LOCAL = new Principal("local", EnumSet.of(Role.ADMIN), null);

  public Principal {
    roles = Set.copyOf(roles);
    buyers = buyers == null ? null : Set.copyOf(buyers);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** True when the principal holds at least one of {@code any}; admin holds every role. */
  public boolean hasAny(Collection<Role> any) {
    if (roles.contains(Role.ADMIN)) return true;
    for (Role r : any) if (roles.contains(r)) return true;
    return false;
  }

  /** Whether this principal may see (and, with the role, act on) what belongs to {@code buyerId}. */
  public boolean mayRead(String buyerId) {
    return buyers == null || (buyerId != null && buyers.contains(buyerId));
  }

  public boolean allBuyers() {
    return buyers == null;
  }

  /**
   * The scope as a SQL condition on {@code column}, with its arguments appended to {@code args}: empty for
   * every buyer, {@code AND column IN (?, ...)} otherwise (an empty scope matches nothing).
   */
  public String sqlScope(String column, List<Object> args) {
    if (buyers == null) return "";
    if (buyers.isEmpty()) return " AND 1 = 0";
    StringBuilder s = new StringBuilder(" AND ").append(column).append(" IN (");
    int i = 0;
    for (String b : buyers.stream().sorted().toList()) {
      if (i++ > 0) s.append(", ");
      s.append('?');
      args.add(b);
    }
    return s.append(')').toString();
  }

  /** The name only: a principal is logged, its token never is. */
  @Override
  public String toString() {
    return name;
  }
}
